/**
 * Every failure a user can meet carries a stable code (for --json and for tests) and a
 * message that says what to do. exitCode follows the CLI contract: 1 = a check failed,
 * 2 = the command was used wrongly.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class UsageError extends AppError {
  constructor(code: string, message: string) {
    super(code, message, 2);
    this.name = 'UsageError';
  }
}
