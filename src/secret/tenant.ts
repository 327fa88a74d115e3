/**
 * Users paste the tenant in whatever form they have at hand: `acme`,
 * `acme.benchling.com` or the URL from the browser. All of them mean the subdomain.
 */
const TENANT_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function normaliseTenant(input: string): string | undefined {
  let host = input.trim().toLowerCase();
  host = host.replace(/^https?:\/\//, '');
  host = host.replace(/[/?#].*$/, '');
  host = host.replace(/\.$/, '');
  host = host.replace(/\.benchling\.com$/, '');
  return TENANT_LABEL.test(host) ? host : undefined;
}
