import { ConfigError } from '../config/load.ts';

/** A subcommand: receives the arguments after its name and returns the exit code. */
export type Command = (args: string[]) => Promise<number>;

interface CommandEntry {
  summary: string;
  load: () => Promise<Command>;
}

const COMMANDS: Record<string, CommandEntry> = {
  start: {
    summary: 'Run the tracker; with the default configuration, also the embedded server.',
    load: async () => (await import('./start.ts')).startCommand,
  },
  idp: {
    summary: 'Run the embedded authorization server alone; `idp seed` fills its store.',
    load: async () => (await import('./idp.ts')).idpCommand,
  },
  delegations: {
    summary: 'List or revoke delegations at the authorization server (administrators).',
    load: async () => (await import('./delegations.ts')).delegationsCommand,
  },
};

export const USAGE = `Usage: session-tracker <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, entry]) => `  ${name.padEnd(13)}${entry.summary}`)
  .join('\n')}

Run \`session-tracker <command> --help\` for a command's options.
Configuration: a JSON file named by SESSION_TRACKER_CONFIG, and environment variables
(see the README's configuration reference).`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return 0;
  }

  const entry = COMMANDS[name];
  if (!entry) {
    console.error(`Unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }

  try {
    return await (
      await entry.load()
    )(rest);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 78;
    }
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
