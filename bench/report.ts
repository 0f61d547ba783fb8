import { readFileSync } from 'node:fs';
import { cpus, homedir, release, tmpdir, totalmem, type } from 'node:os';
import { table } from './format';
import { ROOT } from './paths';
import type { BenchReport } from './types';

/** The machine a run measured, as BENCHMARKS.md names it. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
}

/** Describes this machine without naming any path on it. */
export function describeMachine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: totalmem() / 1024 ** 3,
    node: process.version,
    os: `${osName()} (${type()} ${release()})`,
  };
}

function osName(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1];

    return pretty ?? type();
  } catch {
    return type();
  }
}

/** Everything BENCHMARKS.md is written from. */
export interface RunSummary {
  machine: Machine;
  started: Date;
  command: string;
  database: string;
  reports: BenchReport[];
  /** Benchmarks that threw, with the message. */
  failures: { name: string; message: string }[];
  totalMs: number;
  /** One-minute load averages when the run began and ended. */
  load: { start: number; end: number };
}

const verdict = (met: boolean | undefined) =>
  met === undefined ? '—' : met ? 'met' : 'not met';

/** The text of BENCHMARKS.md. */
export function renderReport(run: RunSummary): string {
  const figures = run.reports.flatMap((report) => report.figures);
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts); every number below was',
    'measured in the run described here, each beside a baseline measured in',
    'the same run. Run it again to refresh this file.',
    '',
    ...table(
      ['', ''],
      [
        [
          'machine',
          `${run.machine.cpu}, ${run.machine.cores} cores, ${run.machine.memoryGiB.toFixed(1)} GiB memory`,
        ],
        ['Node.js', run.machine.node],
        ['OS', run.machine.os],
        [
          'date',
          `${run.started.toISOString().replace('T', ' ').slice(0, 16)} UTC`,
        ],
        ['command', `\`${run.command}\``],
        ['database', run.database],
        ['run time', `${(run.totalMs / 1000).toFixed(0)} s`],
        [
          'load average (1 min)',
          `${run.load.start.toFixed(2)} when the run began, ${run.load.end.toFixed(2)} when it ended (on ${run.machine.cores} cores; anything above the run's own work is other work sharing the machine)`,
        ],
      ]
    ),
    '',
    '## Summary',
    '',
    ...table(
      ['figure', 'measurement', 'baseline', 'ratio', 'goal', 'result'],
      figures.map((f) => [
        f.name,
        f.measurement,
        f.baseline,
        f.ratio,
        f.goal,
        verdict(f.met),
      ])
    ),
  ];
  const missed = figures.filter((f) => f.met === false);

  if (missed.length > 0) {
    lines.push('', '## Goals not met', '');

    for (const figure of missed) {
      lines.push(
        `- **${figure.name}**: ${figure.why ?? 'no explanation recorded.'}`
      );
    }
  }

  const noted = figures.filter((f) => f.note);

  if (noted.length > 0) {
    lines.push('', '## Notes', '');

    for (const figure of noted) {
      lines.push(`- **${figure.name}**: ${figure.note}`);
    }
  }

  if (run.failures.length > 0) {
    lines.push('', '## Benchmarks that failed to run', '');

    for (const failure of run.failures) {
      lines.push(`- **${failure.name}**: ${failure.message}`);
    }
  }

  for (const report of run.reports) {
    lines.push(
      '',
      `## ${report.title}`,
      '',
      `\`bench/${report.name}.ts\`${report.elapsedMs === undefined ? '' : `, ${(report.elapsedMs / 1000).toFixed(0)} s`}.`,
      '',
      ...report.details
    );
  }

  return `${lines.join('\n')}\n`;
}

/** A benchmark's figures as console lines. */
export function printable(report: BenchReport): string[] {
  return [
    `== ${report.title} (${((report.elapsedMs ?? 0) / 1000).toFixed(1)} s)`,
    ...report.figures.map(
      (f) =>
        `  ${f.name}\n    measured ${f.measurement}\n    baseline ${f.baseline}\n    ratio ${f.ratio}; goal ${f.goal}: ${verdict(f.met)}${f.note ? `\n    note: ${f.note}` : ''}`
    ),
  ];
}

/** Replaces this machine's folders in a message with neutral names. */
export function withoutPaths(text: string): string {
  return text
    .replaceAll(ROOT, '<repo>')
    .replaceAll(tmpdir(), '<tmp>')
    .replaceAll(homedir(), '<home>');
}
