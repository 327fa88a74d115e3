import type { IIoHost, IoMessage, IoRequest, StackActivity, StackMonitoringControlEvent } from '@aws-cdk/toolkit-lib';
import type { ApprovalLevel } from './stack-deployer.ts';

/** Thrown into the toolkit once the deploy is abandoned, so its polling loops end. */
export class DeployAbandonedError extends Error {
  constructor() {
    super('the deploy was abandoned: its ECS tasks kept failing');
    this.name = 'DeployAbandonedError';
  }
}

// In-progress events of most resources say only "started"; these take long enough to be worth a line.
const SLOW_RESOURCES = new Set(['AWS::CloudFormation::Stack', 'AWS::ECS::Service']);

const SHOWN_INFO = new Set(['CDK_TOOLKIT_I5000', 'CDK_TOOLKIT_I5100', 'CDK_TOOLKIT_I5210', 'CDK_TOOLKIT_I5220', 'CDK_TOOLKIT_I5221']);

function percent(activity: StackActivity): string {
  const { total, completed } = activity.progress;
  return total ? `${String(Math.min(100, Math.floor((completed / total) * 100))).padStart(3)}%` : `${String(completed).padStart(4)}`;
}

function activityLine(activity: StackActivity): string | undefined {
  const { ResourceStatus: status = '', ResourceType: type = '', LogicalResourceId: id = '', ResourceStatusReason: reason } = activity.event;
  const failed = /FAILED/.test(status);
  if (/IN_PROGRESS$/.test(status) && !failed && !SLOW_RESOURCES.has(type)) return undefined;
  return `${percent(activity)} ${status} ${type} ${id}${reason && (failed || SLOW_RESOURCES.has(type)) ? `: ${reason}` : ''}`;
}

/** One short line per toolkit message worth showing, or undefined to leave it out. */
export function progressLine(message: IoMessage<unknown>): string | undefined {
  if (message.code === 'CDK_TOOLKIT_I5502') return activityLine(message.data as StackActivity);
  if (message.code === 'CDK_TOOLKIT_I5501') {
    const start = message.data as StackMonitoringControlEvent;
    return `deploying ${start.stackName}${start.resourcesTotal ? ` (${start.resourcesTotal} resource changes)` : ''}`;
  }
  if (message.level === 'error') return `error: ${message.message.trim()}`;
  if (message.level === 'warn') return `warning: ${message.message.trim()}`;
  if (message.level === 'info' && message.code && SHOWN_INFO.has(message.code)) return message.message.trim();
  return undefined;
}

interface PermissionRequest {
  permissionChangeType?: string;
}

/**
 * The toolkit's voice in the terminal: concise progress to `print`, and unattended answers to
 * its questions. Once abandoned it throws at the toolkit's next message, which ends the
 * toolkit's polling instead of leaving it waiting on CloudFormation.
 */
export class ProgressIoHost implements IIoHost {
  private abandoned = false;

  constructor(
    private readonly print: (line: string) => void,
    private readonly requireApproval: ApprovalLevel,
  ) {}

  abandon(): void {
    this.abandoned = true;
  }

  async notify(message: IoMessage<unknown>): Promise<void> {
    if (this.abandoned) throw new DeployAbandonedError();
    const line = progressLine(message);
    if (line) this.print(line);
  }

  async requestResponse<T>(request: IoRequest<unknown, T>): Promise<T> {
    if (this.abandoned) throw new DeployAbandonedError();
    if (request.code === 'CDK_TOOLKIT_I5060') {
      const broadening = (request.data as PermissionRequest).permissionChangeType === 'broadening';
      if (broadening && this.requireApproval === 'broadening') {
        this.print('the change broadens IAM permissions and --require-approval broadening refuses that unattended: review it with `npx cdk diff`, then deploy with --require-approval never');
        return false as T;
      }
      return true as T;
    }
    return request.defaultResponse;
  }
}
