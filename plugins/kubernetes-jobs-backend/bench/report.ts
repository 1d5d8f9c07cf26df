/*
 * The printed table and the JSON results.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sample, VerbCounts } from './measure';

/** One row of the table. */
export interface Figure {
  name: string;
  /** Latencies in ms, or a single value in `value`. */
  sample?: Sample;
  /** A figure that is not a latency, already formatted (e.g. "0.00 req/view"). */
  value?: string;
  /** p50 over the raw request's p50. */
  ratio?: { to: string; value: number };
  target?: string;
  /** Undefined: no target, or not measurable this time. */
  met?: boolean;
  /** Said under the table (e.g. "no signal received within 5 s"). */
  note?: string;
  /** Extra numbers for the JSON (requests by verb, heap...). */
  details?: Record<string, unknown>;
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

export function formatMs(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '-';
  return `${v.toFixed(v >= 100 ? 0 : 1)} ms`;
}

export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (abs >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(2)} KiB`;
  return `${bytes.toFixed(0)} B`;
}

export function formatVerbs(counts: VerbCounts, digits = 2): string {
  const entries = Object.entries(counts).filter(([, n]) => n);
  if (!entries.length) return 'none';
  return entries
    .map(([verb, n]) => `${verb} ${Number(n).toFixed(digits)}`)
    .join(', ');
}

function cells(figure: Figure): string[] {
  let met = '-';
  if (figure.met !== undefined) met = figure.met ? 'met' : 'NOT met';
  return [
    figure.name,
    figure.value ?? formatMs(figure.sample?.p50),
    figure.value ? '' : formatMs(figure.sample?.p95),
    figure.ratio ? `${figure.ratio.value.toFixed(1)}x ${figure.ratio.to}` : '',
    figure.target ?? '',
    met,
  ];
}

/** Prints rows under a header, columns aligned; `right` says which columns are numbers. */
export function printColumns(
  header: string[],
  rows: string[][],
  right: (column: number) => boolean = () => false,
): void {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map(r => r[c].length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) =>
        right(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]),
      )
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map(w => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** Prints the figures as an aligned table, then the notes. */
export function printTable(figures: Figure[]): void {
  const header = ['figure', 'p50', 'p95', 'ratio (p50)', 'target', 'met?'];
  printColumns(header, figures.map(cells), c => c === 1 || c === 2);
  const notes = figures.filter(f => f.note);
  if (notes.length) {
    console.log('');
    for (const f of notes) console.log(`${f.name}: ${f.note}`);
  }
}

/**
 * Writes the results as JSON where the repository stays clean: the variable `env`
 * (BENCH_RESULTS) names a file, otherwise `name` in the system's temporary directory.
 */
export function writeResults(
  results: unknown,
  options: { env: string; name: string } = {
    env: 'BENCH_RESULTS',
    name: 'results.json',
  },
): string {
  const file =
    process.env[options.env] ??
    path.join(os.tmpdir(), 'kubernetes-jobs-bench', options.name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}
