import { Command, CommanderError } from 'commander';
import { EmbError, forCommandLine, render } from '../errors.js';
import { VERSION } from '../version.js';
import { commands } from './commands/index.js';
import { notices, warn } from './common.js';
import { oneLine } from './print.js';
import { colors as pc } from './progress.js';

/**
 * The emb command line. Errors a user can cause (EmbError, usage errors) are one red line on
 * stderr and exit code 2; anything else is a bug and keeps its stack trace.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('emb')
    .description(
      'Pretrained word embeddings for small labelled datasets: load, query, evaluate, and train classifiers on them.',
    )
    .version(VERSION)
    .addHelpText(
      'after',
      `
Examples:
  emb analogy king - man + woman          # queen 0.7699 ...
  emb similar frog --top 10
  emb convert glove.6B.300d.txt glove300.emb
  emb train reviews.csv                   # evaluate and save a classifier
  emb predict reviews.model "a gorgeous, witty film"
  emb compare reviews.csv                 # should pretrained vectors help? a report

Every command has --help with its options and examples. Converted vectors live in
$EMB_HOME, else the package's embeddings/ folder when writable, else ~/.cache/emb.`,
    )
    .exitOverride();
  // The command named on the line, or all of them (for help and for commander's own errors).
  const named = argv.find((a) => !a.startsWith('-'));
  const versionOnly = argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V');
  const wanted = named && named in commands ? [named] : versionOnly ? [] : Object.keys(commands);
  for (const name of wanted) program.addCommand((await commands[name]()).exitOverride());
  usageErrorsAsOneLine(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    // Notes about the data, only when the run got this far (a failing run shows one line).
    for (const note of notices) warn(oneLine(forCommandLine(note)));
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return 0;
      return 2;
    }
    if (e instanceof EmbError) {
      // The library names its options as the API spells them; here they are flags.
      process.stderr.write(`${pc.red('emb:')} ${oneLine(render(e.template, 'cli'))}\n`);
      return 2;
    }
    throw e;
  }
}

/**
 * Commander's own usage errors (an unknown option, a value outside --method's choices) in the
 * shape of every other error: "emb: ..." on one line. Subcommands added whole do not inherit
 * output settings, hence the walk.
 */
function usageErrorsAsOneLine(cmd: Command): void {
  cmd.configureOutput({
    outputError: (message, write) =>
      write(
        `${pc.red('emb:')} ${oneLine(
          message
            .replace(/^error: /, '')
            .trim()
            .replace(/\s*\n\s*/g, ' '),
        )}\n`,
      ),
  });
  cmd.showHelpAfterError(false);
  for (const sub of cmd.commands) usageErrorsAsOneLine(sub);
}

// stdout closed early (emb similar ... | head) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

process.exitCode = await main(process.argv.slice(2));
