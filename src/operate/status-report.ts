import type { AlarmState, QueueDepth, ServiceState, StackSnapshot } from './stack-snapshot.ts';

export interface StatusReport {
  healthy: boolean;
  /** One line per unhealthy thing, in the order the summary shows them. */
  problems: string[];
  stack: { name: string; region: string; status: string; statusReason: string | null; lastUpdated: string | null; healthy: boolean };
  webhookUrl: string | null;
  services: (ServiceState & { healthy: boolean })[];
  queue: QueueDepth | null;
  deadLetters: (QueueDepth & { healthy: boolean }) | null;
  alarms: (AlarmState & { healthy: boolean })[];
}

/** A stack that failed, rolled back or is being deleted does not serve what was last deployed. */
export function isHealthyStackStatus(status: string): boolean {
  return !/FAILED|ROLLBACK|DELETE/.test(status);
}

export function isHealthyService(service: ServiceState): boolean {
  return service.running >= service.desired && service.deployment?.rolloutState !== 'FAILED';
}

function serviceProblem(service: ServiceState): string {
  if (service.deployment?.rolloutState === 'FAILED') {
    return `service ${service.role}: deployment FAILED${service.deployment.rolloutStateReason ? `: ${service.deployment.rolloutStateReason}` : ''}`;
  }
  return `service ${service.role}: ${service.running} of ${service.desired} tasks running`;
}

/** Healthy: the stack is settled, every service runs what it should, no dead letters, no alarm firing. */
export function assessStatus(snapshot: StackSnapshot): StatusReport {
  const problems: string[] = [];
  const stackHealthy = isHealthyStackStatus(snapshot.stack.status);
  if (!stackHealthy) problems.push(`stack ${snapshot.stack.status}${snapshot.stack.statusReason ? `: ${snapshot.stack.statusReason}` : ''}`);
  const services = snapshot.services.map((s) => ({ ...s, healthy: isHealthyService(s) }));
  for (const s of services) if (!s.healthy) problems.push(serviceProblem(s));
  const deadLetters = snapshot.deadLetters && {
    ...snapshot.deadLetters,
    healthy: snapshot.deadLetters.waiting + snapshot.deadLetters.inFlight === 0,
  };
  if (deadLetters && !deadLetters.healthy) problems.push(`dead-letter queue holds ${deadLetters.waiting + deadLetters.inFlight} job(s)`);
  const alarms = snapshot.alarms.map((a) => ({ ...a, healthy: a.state !== 'ALARM' }));
  for (const a of alarms) if (!a.healthy) problems.push(`alarm ${a.name} in ALARM: ${a.reason}`);
  return {
    healthy: problems.length === 0,
    problems,
    stack: {
      name: snapshot.stack.name,
      region: snapshot.stack.region,
      status: snapshot.stack.status,
      statusReason: snapshot.stack.statusReason ?? null,
      lastUpdated: snapshot.stack.lastUpdated?.toISOString() ?? null,
      healthy: stackHealthy,
    },
    webhookUrl: snapshot.stack.outputs.WebhookUrl ?? null,
    services,
    queue: snapshot.queue ?? null,
    deadLetters: deadLetters ?? null,
    alarms,
  };
}
