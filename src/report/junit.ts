// junit.xml: one testsuite per phase, one testcase per migration per phase.
// Error findings are failures; warnings and allowed findings pass with a
// system-out note; migrations a phase never reached are skipped. Shaped to the
// JUnit XML that Jenkins and GitLab read (see test/fixtures/junit.xsd).
import { phaseOf } from '../checks/index.js';
import type { ReportPhase } from '../checks/facts.js';
import type { Finding, MigrationRecord, Report } from './model.js';
import { blocking } from './model.js';

type Phase = ReportPhase;

function xml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

interface Case {
  name: string;
  seconds: number;
  skipped?: string;
  findings: Finding[];
}

function caseXml(phase: Phase, c: Case): string {
  const failures = c.findings.filter(blocking);
  const notes = c.findings.filter((f) => !blocking(f));
  const body: string[] = [];
  if (c.skipped && c.findings.length === 0) body.push(`      <skipped message="${xml(c.skipped)}"/>`);
  for (const f of failures) {
    body.push(`      <failure type="${f.code}" message="${xml(f.message)}">${xml(describe(f))}</failure>`);
  }
  if (notes.length) {
    const text = notes.map((f) => `${f.allowed ? 'allowed by policy' : f.severity}: ${f.code}: ${f.message}`).join('\n');
    body.push(`      <system-out>${xml(text)}</system-out>`);
  }
  const open = `    <testcase classname="rehearse.${phase}" name="${xml(c.name)}" time="${c.seconds.toFixed(3)}"`;
  return body.length ? `${open}>\n${body.join('\n')}\n    </testcase>` : `${open}/>`;
}

function describe(f: Finding): string {
  return [
    f.message,
    f.table ? `table: ${f.column ? `${f.table}.${f.column}` : f.table}` : '',
    f.lost !== undefined ? `lost: ${f.lost}` : '',
    f.hint ? `fix: ${f.hint}` : '',
    f.diff ? `diff: ${f.diff}` : '',
  ].filter(Boolean).join('\n');
}

const key = (app?: string, migration?: string) => (app && migration ? `${app}.${migration}` : undefined);

function phaseCases(phase: Phase, r: Report, findings: Finding[]): Case[] {
  const mine = findings.filter((f) => phaseOf(f.code) === phase);
  if (phase === 'history') {
    const cases = new Map<string, Case>();
    for (const f of mine) {
      const name = key(f.app, f.migration) ?? f.app ?? 'history';
      const c = cases.get(name) ?? { name, seconds: 0, findings: [] };
      c.findings.push(f);
      cases.set(name, c);
    }
    return cases.size ? [...cases.values()] : [{ name: 'django_migrations matches the migration files', seconds: 0, findings: [] }];
  }
  const step = (m: MigrationRecord) => (phase === 'forward' ? m.forward : phase === 'backward' ? m.backward : m.reforward);
  const cases: Case[] = r.migrations.map((m) => {
    const s = step(m);
    return {
      name: `${m.app}.${m.migration}`,
      seconds: (s.ms ?? 0) / 1000,
      ...(s.status === 'not-run' ? { skipped: `not run in the ${phase} phase` } : {}),
      findings: mine.filter((f) => key(f.app, f.migration) === `${m.app}.${m.migration}`),
    };
  });
  const loose = mine.filter((f) => !cases.some((c) => c.name === key(f.app, f.migration)));
  if (loose.length) cases.push({ name: `${phase} as a whole`, seconds: 0, findings: loose });
  return cases;
}

export function renderJunit(r: Report): string {
  const phases: Phase[] = ['history', 'forward', 'backward', 'reforward'];
  const suites = phases.map((phase) => {
    const cases = phaseCases(phase, r, r.findings);
    const failures = cases.filter((c) => c.findings.some(blocking)).length;
    const skipped = cases.filter((c) => c.skipped && c.findings.length === 0).length;
    const time = cases.reduce((t, c) => t + c.seconds, 0);
    return { phase, cases, failures, skipped, time };
  });
  const tests = suites.reduce((n, s) => n + s.cases.length, 0);
  const failures = suites.reduce((n, s) => n + s.failures, 0);
  const errors = r.verdict === 'error' ? 1 : 0;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rehearse" tests="${tests + errors}" failures="${failures}" errors="${errors}" time="${(r.durationMs / 1000).toFixed(3)}">`,
  ];
  if (r.verdict === 'error') {
    out.push(
      `  <testsuite name="rehearse" tests="1" failures="0" errors="1" skipped="0" time="0" timestamp="${r.startedAt.slice(0, 19)}">`,
      `    <testcase classname="rehearse" name="rehearsal could run" time="0">`,
      `      <error type="COULD_NOT_REHEARSE" message="${xml(r.error ?? '')}"/>`,
      '    </testcase>',
      '  </testsuite>',
    );
  }
  for (const s of suites) {
    out.push(
      `  <testsuite name="${s.phase}" tests="${s.cases.length}" failures="${s.failures}" errors="0" skipped="${s.skipped}" time="${s.time.toFixed(3)}" timestamp="${r.startedAt.slice(0, 19)}">`,
      ...s.cases.map((c) => caseXml(s.phase, c)),
      '  </testsuite>',
    );
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
