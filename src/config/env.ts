/**
 * The process environment as the code reads it: passed in rather than read from
 * `process.env`, so that a test runs a command with exactly the variables it gives.
 */
export type Env = Readonly<Record<string, string | undefined>>;
