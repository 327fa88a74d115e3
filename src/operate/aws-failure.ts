import { AppError } from '../errors/app-error.ts';
import { describeNetworkFailure, networkFailure } from '../errors/network-failure.ts';

/**
 * SDK failures a user can fix, turned into messages that say how; anything else keeps the
 * service's own words, which never hold secret values.
 */
export function explainAwsFailure(error: unknown, action: string): AppError {
  if (error instanceof AppError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const detail = error instanceof Error ? error.message : String(error);
  const network = networkFailure(error);
  if (network) {
    return new AppError('AWS_UNREACHABLE', `could not ${action}: ${describeNetworkFailure(network)}; check the network, and the AWS_ENDPOINT_URL_* variables if set (a network problem, not a credentials one)`);
  }
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(detail)) {
    return new AppError('AWS_CREDENTIALS_MISSING', `no AWS credentials to ${action}: set AWS_PROFILE, the profile's awsProfile, or run \`aws configure\``);
  }
  if (/region is missing/i.test(detail)) {
    return new AppError('AWS_REGION_MISSING', `no AWS region to ${action}: pass --region or set AWS_REGION`);
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied' || /not authorized/i.test(detail)) {
    return new AppError('AWS_ACCESS_DENIED', `not allowed to ${action}: ${detail}`);
  }
  return new AppError('AWS_CALL_FAILED', `could not ${action}: ${name}: ${detail}`);
}

/** Runs one AWS call, explaining its failure. */
export async function awsCall<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw explainAwsFailure(error, action);
  }
}
