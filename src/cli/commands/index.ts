import type { Command } from 'commander';

/**
 * Every command, in the order `emb --help` lists them, each loaded only when needed: a run of
 * `emb analogy` imports the analogy command and what it uses, not the classifiers or reports.
 */
export const commands: Record<string, () => Promise<Command>> = {
  analogy: async () => (await import('./analogy.js')).analogyCommand(),
  similar: async () => (await import('./similar.js')).similarCommand(),
  similarity: async () => (await import('./similarity.js')).similarityCommand(),
  'doesnt-match': async () => (await import('./doesnt-match.js')).doesntMatchCommand(),
  eval: async () => (await import('./eval.js')).evalCommand(),
  info: async () => (await import('./info.js')).infoCommand(),
  convert: async () => (await import('./convert.js')).convertCommand(),
  prepare: async () => (await import('./prepare.js')).prepareCommand(),
  train: async () => (await import('./train.js')).trainCommand(),
  predict: async () => (await import('./predict.js')).predictCommand(),
  compare: async () => (await import('./compare.js')).compareCommand(),
  pretrain: async () => (await import('./pretrain.js')).pretrainCommand(),
  datasets: async () => (await import('./datasets.js')).datasetsCommand(),
};
