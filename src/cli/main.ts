// The command line: parsing only. Every command's work lives in its own module;
// the sandbox flags come from the providers (../sandbox/registry.ts).
import { Argument, Command, CommanderError, Option } from 'commander';
import { cacheCommand, type CacheFlags } from './cache.js';
import { exitCodeOf, oneLine } from '../errors.js';
import { VERSION } from '../version.js';
import { PROVIDERS } from '../sandbox/registry.js';
import { runCommand, type RunFlags } from './run.js';
import { doctorCommand, type DoctorFlags } from './doctor.js';
import { planCommand, type PlanFlags } from './plan.js';
import type { InteractiveFlags } from '../interactive/index.js';

const EXIT_CODES = `
Exit codes:
  0  pass: the deploy may go ahead
  1  fail: the rehearsal found something that must stop the deploy
  2  usage error: bad flags, missing or unreadable files, invalid playbook
  3  could not rehearse: the sandbox, the restore or the Django project could not be brought up`;

const collect = (value: string, previous: string[]) => [...previous, value];

/** Every provider's flags, each once (two providers may read the same flag). */
function providerOptions(): Option[] {
  const seen = new Map<string, Option>();
  for (const spec of PROVIDERS.flatMap((p) => p.flags)) {
    if (seen.has(spec.flag)) continue;
    const o = new Option(spec.flag, spec.description);
    if (spec.env) o.env(spec.env);
    if (spec.choices) o.choices([...spec.choices]);
    if (spec.default !== undefined) o.default(spec.default);
    seen.set(spec.flag, o);
  }
  return [...seen.values()];
}

/** The options `run` and `playbook` share. */
function rehearsalOptions(cmd: Command): Command {
  cmd
    .option('--project <dir>', 'the Django project: the folder holding manage.py', '.')
    .option('--snapshot <file>', 'the production dump: pg_dump -Fc, -Fd, -Ft, plain .sql or .sql.gz (detected from content)')
    .option('--python <path>', "the interpreter with Django and the project's dependencies (default: the project's .venv/venv, else python3)")
    .option('--settings <module>', "Django settings module (default: whatever manage.py sets)")
    .option('--report-dir <dir>', 'write report.json, report.md, junit.xml and the schema diffs there')
    .option('--allow-loss <[schema.]table[.column]>', 'loss on that table or column is expected (repeatable; public is the default schema)', collect, [])
    .option('--allow-irreversible <app.migration>', 'that migration may be irreversible (repeatable)', collect, [])
    .option('--allow-overwrite <[schema.]table.column>', 'in-place rewrites of that column are expected (repeatable)', collect, [])
    .option('--max-lock-ms <ms>', 'a lock that blocks reads or writes on a table with data for longer is an error (default 2000)')
    .option('--max-duration-ms <ms>', 'a migration slower than this is an error (MIGRATION_SLOW)')
    .option('--probe-traffic', 'while each migration runs, probe reads and writes on its tables every 50 ms to show how long they queue')
    .option('--var <name=value>', "a value for the playbook's ${name} (repeatable)", collect, [])
    .addOption(new Option('--sandbox <kind>', `where the throwaway databases live: ${PROVIDERS.map((p) => `${p.kind} (${p.summary})`).join('; ')}`)
      .choices(PROVIDERS.map((p) => p.kind)).default(PROVIDERS.find((p) => p.isDefault)?.kind ?? PROVIDERS[0]!.kind));
  for (const o of providerOptions()) cmd.addOption(o);
  return cmd
    .option('--timeout <s>', 'stop the whole run after this many seconds (exit 3, everything torn down)')
    .option('--migration-timeout <s>', 'stop the run when one migration runs longer than this (exit 3; the report names it)')
    .option('--statement-timeout <s>', "statement_timeout of Django's sessions in the sandbox (default 3600; 0 for none)")
    .option('--lock-timeout <s>', "lock_timeout of Django's sessions in the sandbox (default 60; 0 for none)")
    .addOption(new Option('--redact <mode>', "what of an error's message reaches reports: default (values in quotes dropped; a Python message's own words kept) or strict (only the exception type, sqlstate and schema names)")
      .choices(['default', 'strict']).default('default'))
    .option('--no-cache', 'neither use nor keep a cached template of the snapshot (the cache is off in CI unless --cache-dir is given)')
    .option('--cache-dir <dir>', 'where restored templates are kept between runs (default ~/.cache/rehearse)')
    .option('--cache-max-gb <n>', 'evict the least recently used templates beyond this size (default 20)')
    .addOption(new Option('--cache-digest <mode>', "how a snapshot is known again: sampled (size, mtime and sampled bytes) or full (every byte's hash)")
      .choices(['sampled', 'full']).default('sampled'))
    .option('--keep', 'keep the sandbox up after the run (until Ctrl-C) to poke at it')
    .option('--approve', 'on a terminal, when the gate fails or warns, ask "deploy anyway?" and record the answer (never asks without one)')
    .addOption(new Option('--format <format>', 'stdout: a readable summary, or report.json').choices(['text', 'json']).default('text'))
    .addOption(quietOption())
    .option('-v, --verbose', "also print Django's own output");
}

/**
 * The prompts (inquirer, yaml) load only where a person is asked something:
 * a pipeline's run does not pay for them at start-up.
 */
async function approval() {
  return (await import('../interactive/approve.js')).approvalReview();
}

function addRun(program: Command, onExit: (code: number) => void): void {
  rehearsalOptions(program.command('run').description('restore the snapshot into a throwaway PostgreSQL and rehearse the pending migrations'))
    .option('--playbook <file>', 'run this playbook instead of the built-in playbooks/pre-deploy.yml')
    .addHelpText('after', `
Examples:
  $ rehearse run --project . --snapshot prod.dump --report-dir reports
  $ rehearse run --project app --snapshot prod.sql.gz --python .venv/bin/python --allow-loss crm_customer.phone
  $ rehearse run --snapshot prod.dump --allow-irreversible blog.0009_purge_spam --format json > report.json
  $ rehearse run --snapshot prod.dump --sandbox docker
  $ rehearse run --snapshot prod.dump --sandbox server --server-url postgres://rehearser@big-box:5432/postgres
${EXIT_CODES}`)
    .action(async (flags: RunFlags) => onExit(await runCommand(flags, flags.approve ? await approval() : undefined)));
  rehearsalOptions(program.command('playbook <file>').description('run a playbook: a runbook of steps (migrate to a target, a management command, SQL, checkpoints)'))
    .addHelpText('after', `
Examples:
  $ rehearse playbook playbooks/rollback-drill.yml --snapshot prod.dump --report-dir reports
  $ rehearse playbook playbooks/backfill-then-migrate.yml --snapshot prod.dump --var command=backfill_phones
${EXIT_CODES}`)
    .action(async (file: string, flags: RunFlags) => onExit(await runCommand({ ...flags, playbook: file }, flags.approve ? await approval() : undefined)));
}

function addPlan(program: Command, onExit: (code: number) => void): void {
  program
    .command('plan')
    .description('the static verdict in seconds, with no database: the pending plan, the history, irreversible migrations and the SQL lint')
    .option('--project <dir>', 'the Django project: the folder holding manage.py', '.')
    .option('--snapshot <file>', "the production dump: only its django_migrations rows are read")
    .option('--python <path>', "the interpreter with Django and the project's dependencies (default: the project's .venv/venv, else python3)")
    .option('--settings <module>', 'Django settings module (default: whatever manage.py sets)')
    .option('--pg-bin <dir>', 'where pg_restore is (for -Fc, -Fd and -Ft dumps; default: found as run finds it)')
    .option('--report-dir <dir>', 'write report.json, report.md and junit.xml there')
    .option('--timeout <s>', 'stop after this many seconds (exit 3)')
    .option('--allow-irreversible <app.migration>', 'that migration may be irreversible (repeatable)', collect, [])
    .option('--allow-loss <[schema.]table[.column]>', 'accepted as by run (plan measures no loss; kept for one command line)', collect, [])
    .option('--allow-overwrite <[schema.]table.column>', 'accepted as by run', collect, [])
    .addOption(new Option('--format <format>', 'stdout: a readable summary, or report.json').choices(['text', 'json']).default('text'))
    .addOption(quietOption())
    .option('-v, --verbose', "also print Django's own output")
    .addHelpText('after', `
Examples:
  $ rehearse plan --project . --snapshot prod.dump && rehearse run --project . --snapshot prod.dump
  $ rehearse plan --snapshot prod.sql.gz --format json > plan.json
${EXIT_CODES}`)
    .action(async (flags: PlanFlags) => onExit(await planCommand(flags)));
}

function addInteractive(program: Command, onExit: (code: number) => void): void {
  const cmd = program
    .command('interactive')
    .description('rehearse a release at the terminal: choose the snapshot and the target, watch, pause, look inside, decide (also: `rehearse` with no arguments on a terminal)')
    .option('--project <dir>', 'the Django project (default: asked, or the current folder)')
    .option('--snapshot <file>', 'the production dump (default: chosen from the dumps found)')
    .option('--python <path>', "the interpreter with Django and the project's dependencies")
    .option('--settings <module>', 'Django settings module')
    .option('--report-dir <dir>', 'write report.json, report.md and junit.xml there')
    .option('-v, --verbose', "also print Django's own output")
    .option('--no-cache', 'neither use nor keep a cached template of the snapshot')
    .option('--cache-dir <dir>', 'where restored templates are kept between runs (default ~/.cache/rehearse)')
    .addOption(new Option('--sandbox <kind>', 'where the throwaway databases live').choices(PROVIDERS.map((p) => p.kind))
      .default(PROVIDERS.find((p) => p.isDefault)?.kind ?? PROVIDERS[0]!.kind));
  for (const o of providerOptions()) cmd.addOption(o);
  cmd.action(async (flags: InteractiveFlags) => onExit(await (await import('../interactive/index.js')).interactiveCommand(flags)));
}

function addDoctor(program: Command, onExit: (code: number) => void): void {
  const doctor = program
    .command('doctor')
    .description('report what this machine has for a rehearsal and what to install; --clean removes what killed runs left')
    .option('--project <dir>', 'the Django project to check Python and Django for', '.')
    .option('--python <path>', 'the interpreter to check')
    .option('--snapshot <file>', 'check free disk against this snapshot')
    .option('--clean', 'remove temp clusters, settings shims, containers and marked databases of runs that are over');
  for (const o of providerOptions()) doctor.addOption(o);
  doctor
    .addHelpText('after', `
Examples:
  $ rehearse doctor --project . --snapshot prod.dump
  $ rehearse doctor --clean --server-url postgres://rehearser@big-box/postgres

Exit codes: 0 ready (or cleaned), 1 something required is missing, 2 usage error.`)
    .action(async (flags: DoctorFlags) => onExit(await doctorCommand(flags)));
}

function addCache(program: Command, onExit: (code: number) => void): void {
  program
    .command('cache')
    .description('the restored templates kept between runs: ls, rm KEY..., prune [--max-gb N] (0 empties it)')
    .addArgument(new Argument('<action>', 'ls, rm or prune').choices(['ls', 'rm', 'prune']))
    .argument('[keys...]', 'with rm: the entries to remove')
    .option('--cache-dir <dir>', 'the cache (default ~/.cache/rehearse)')
    .option('--max-gb <n>', 'with prune: evict the least recently used beyond this size (default 20)')
    .action((action: 'ls' | 'rm' | 'prune', keys: string[], flags: CacheFlags) => onExit(cacheCommand(action, keys, flags)));
}

export function buildProgram(onExit: (code: number) => void): Command {
  const program = new Command('rehearse')
    .description('Rehearse a Django deploy on a production snapshot: migrate forward, back and forward again, and stop the pipeline on data loss or a broken way back.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(`rehearse: ${str.replace(/^error: /, '')}`) })
    .addHelpText('after', EXIT_CODES);
  addRun(program, onExit);
  addPlan(program, onExit);
  addInteractive(program, onExit);
  addDoctor(program, onExit);
  addCache(program, onExit);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  let code = 0;
  // `rehearse … | head` (or `2>&1 | head`): a closed stdout or stderr ends that output, not the
  // run: it goes on to its teardown, and leaves no server, container or temp dir behind.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
    });
  }
  const program = buildProgram((c) => (code = c));
  // libpq's variables (PGOPTIONS, PGHOST, PGSSLMODE ...) are production's settings, not the sandbox's:
  // node-postgres would apply them to rehearse's own connections. Children get a scrubbed environment too (../env.ts).
  for (const k of Object.keys(process.env)) if (/^PG[A-Z]/.test(k)) delete process.env[k];
  // --debug anywhere: stack traces for errors (REHEARSE_DEBUG does the same).
  if (argv.includes('--debug')) {
    process.env.REHEARSE_DEBUG = '1';
    argv = argv.filter((a) => a !== '--debug');
  }
  // No command at a terminal (nothing, or only options): a person, not a pipeline. The interactive mode.
  const noCommand = argv.length === 0 || (argv[0]!.startsWith('-') && !['-h', '--help', '-V', '--version'].includes(argv[0]!));
  const args = noCommand && process.stdin.isTTY && process.stderr.isTTY ? ['interactive', ...argv] : argv;
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      code = err.exitCode === 0 ? 0 : 2;
    } else {
      // Commands outside the run lifecycle (cache) throw their own usage errors.
      process.stderr.write(`rehearse: ${oneLine(err)}\n`);
      code = exitCodeOf(err);
    }
  }
  process.exitCode = code;
  // Everything is torn down by now; do not let a stray handle keep a pipeline waiting.
  setTimeout(() => process.exit(code), 3000).unref();
}

/** --quiet and --verbose say opposite things: both at once is a usage error. */
function quietOption(): Option {
  return new Option('-q, --quiet', 'print only the verdict and the findings').conflicts('verbose');
}
