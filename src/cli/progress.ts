import { createRequire } from 'node:module';
import type cliProgressTypes from 'cli-progress';
import type { Command } from 'commander';
import { createColors } from 'picocolors';

export interface Progress {
  /** `note`, when given, is shown in place of the counts (e.g. what runs now). */
  update(done: number, total?: number, note?: string): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

let quiet = false;

/** --quiet on a command that shows progress: no bar and no progress lines. */
export function addQuietOption(cmd: Command): Command {
  return cmd.option('--quiet', 'show no progress on stderr').hook('preAction', (_, action) => {
    if (action.opts().quiet) quiet = true;
  });
}

/**
 * Progress on stderr: a bar on a terminal; otherwise (a log file, CI) a plain line at most
 * every 10 s with the counts, the time elapsed and an estimate of the time left, and one when
 * the step ends, if it printed any. `unit` "bytes" shows megabytes. Nothing with --quiet or
 * EMB_QUIET.
 */
export function progressBar(label: string, unit: 'bytes' | 'items' = 'items'): Progress {
  if (quiet || process.env.EMB_QUIET) return silent;
  if (!process.stderr.isTTY) return progressLines(label, unit);
  // Loaded only when a bar is shown: most runs never pay for it.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof cliProgressTypes;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {shown} | eta {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, note) {
      if (!started) {
        bar.start(total ?? 1, done, { shown: note ?? counts(done, total ?? 1, unit) });
        started = true;
      } else {
        if (total !== undefined) bar.setTotal(total);
        bar.update(done, { shown: note ?? counts(done, total ?? bar.getTotal(), unit) });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** Seconds between two progress lines in a log: 10, or EMB_PROGRESS_INTERVAL. */
export function lineInterval(): number {
  const every = Number(process.env.EMB_PROGRESS_INTERVAL ?? 10);
  return Number.isFinite(every) && every >= 0 ? every : 10;
}

/**
 * Progress as lines, for a stderr that is not a terminal. The estimate is the time per unit
 * so far times the units left, and only once a unit is done: a guess before that would be
 * made up.
 */
export function progressLines(
  label: string,
  unit: 'bytes' | 'items',
  write: (line: string) => void = (line) => process.stderr.write(line),
  now: () => number = Date.now,
): Progress {
  const start = now();
  const every = lineInterval() * 1000;
  let last = start;
  let printed = false;
  let state = { done: 0, total: 0, note: undefined as string | undefined };
  const line = (end: boolean) => {
    const elapsed = (now() - start) / 1000;
    const { done, total, note } = state;
    const left = end
      ? 'done'
      : done > 0 && total >= done
        ? `about ${clock((elapsed * (total - done)) / done)} left`
        : 'time left not known yet';
    const what = note ? `${note} (${counts(done, total, unit)})` : counts(done, total, unit);
    write(`emb: ${label}: ${what}, ${clock(elapsed)} elapsed, ${left}\n`);
  };
  return {
    update(done, total, note) {
      state = { done, total: total ?? state.total, note };
      if (now() - last < every) return;
      last = now();
      printed = true;
      line(false);
    },
    stop() {
      if (printed) line(true);
    },
  };
}

function counts(done: number, total: number, unit: 'bytes' | 'items'): string {
  return unit === 'bytes'
    ? `${(done / 1e6).toFixed(0)}/${(total / 1e6).toFixed(0)} MB`
    : `${done}/${total}`;
}

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/**
 * Colours for messages on stderr: only when stderr is a terminal (picocolors alone also turns
 * them on when $CI is set, which puts escape codes into logs and captured output).
 */
export const colors = createColors(!!process.stderr.isTTY && !process.env.NO_COLOR);
