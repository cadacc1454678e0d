import { createRequire } from 'node:module';
import type cliProgressTypes from 'cli-progress';
import { createColors } from 'picocolors';

export interface Progress {
  /** `note`, when given, is shown in place of the counts (e.g. what runs now). */
  update(done: number, total?: number, note?: string): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

/**
 * A progress bar on stderr, only when stderr is a terminal (so scripts and CI logs stay
 * clean). `unit` "bytes" shows megabytes.
 */
export function progressBar(label: string, unit: 'bytes' | 'items' = 'items'): Progress {
  if (!process.stderr.isTTY || process.env.EMB_QUIET) return silent;
  // Loaded only when a bar is shown: most runs never pay for it.
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof cliProgressTypes;
  const mb = unit === 'bytes';
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
  const shown = (done: number, total: number) =>
    mb ? `${(done / 1e6).toFixed(0)}/${(total / 1e6).toFixed(0)} MB` : `${done}/${total}`;
  return {
    update(done, total, note) {
      if (!started) {
        bar.start(total ?? 1, done, { shown: note ?? shown(done, total ?? 1) });
        started = true;
      } else {
        if (total !== undefined) bar.setTotal(total);
        bar.update(done, { shown: note ?? shown(done, total ?? bar.getTotal()) });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/**
 * Colours for messages on stderr: only when stderr is a terminal (picocolors alone also turns
 * them on when $CI is set, which puts escape codes into logs and captured output).
 */
export const colors = createColors(!!process.stderr.isTTY && !process.env.NO_COLOR);
