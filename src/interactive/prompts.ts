// The prompts, through @inquirer/prompts. Ctrl-C at a prompt arrives as a key,
// not a signal (the terminal is in raw mode): it is turned into the same
// interrupt a signal makes, so everything is torn down the same way.
import { checkbox, confirm, input, select } from '@inquirer/prompts';
import type { Cleanup } from '../cleanup.js';
import { InterruptedError } from '../errors.js';

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
  disabled?: boolean | string;
}

export class Asker {
  constructor(private readonly cleanup: Cleanup) {}

  private async ask<T>(prompt: Promise<T>): Promise<T> {
    try {
      return await prompt;
    } catch (err) {
      if (err instanceof Error && err.name === 'ExitPromptError') {
        this.cleanup.interrupt('SIGINT');
        throw new InterruptedError('SIGINT');
      }
      throw err;
    }
  }

  select<T>(message: string, choices: Array<Choice<T>>, def?: T): Promise<T> {
    return this.ask(select<T>({ message, choices, ...(def !== undefined ? { default: def } : {}), pageSize: 12, loop: false }));
  }

  checkbox<T>(message: string, choices: Array<Choice<T> & { checked?: boolean }>): Promise<T[]> {
    return this.ask(checkbox<T>({ message, choices, pageSize: 12, loop: false }));
  }

  input(message: string, opts: { default?: string; validate?: (v: string) => true | string } = {}): Promise<string> {
    return this.ask(input({ message, ...opts }));
  }

  confirm(message: string, def = true): Promise<boolean> {
    return this.ask(confirm({ message, default: def }));
  }
}
