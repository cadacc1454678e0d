import type { Command } from 'commander';
import { analogyCommand } from './analogy.js';
import { compareCommand } from './compare.js';
import { convertCommand } from './convert.js';
import { datasetsCommand } from './datasets.js';
import { doesntMatchCommand } from './doesnt-match.js';
import { evalCommand } from './eval.js';
import { infoCommand } from './info.js';
import { predictCommand } from './predict.js';
import { prepareCommand } from './prepare.js';
import { similarCommand } from './similar.js';
import { similarityCommand } from './similarity.js';
import { trainCommand } from './train.js';

/** Every command, in the order `emb --help` lists them. */
export const commands: (() => Command)[] = [
  analogyCommand,
  similarCommand,
  similarityCommand,
  doesntMatchCommand,
  evalCommand,
  infoCommand,
  convertCommand,
  prepareCommand,
  trainCommand,
  predictCommand,
  compareCommand,
  datasetsCommand,
];
