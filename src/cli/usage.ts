/** Wrong command-line arguments: the command prints the message and its usage line, and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
