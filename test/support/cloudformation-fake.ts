import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback CloudFormation speaking its query protocol (form-encoded POSTs, XML answers),
 * for the real @aws-sdk/client-cloudformation reached through AWS_ENDPOINT_URL_CLOUDFORMATION.
 * It knows only what stack discovery asks: DescribeStacks by name, and DescribeStackResources
 * by a resource's physical id, with CloudFormation's ValidationError for what does not exist.
 */
export interface FakeStack {
  name: string;
  outputs: Record<string, string>;
  /** Physical ids of the stack's resources (bucket names, API ids), keyed by logical id. */
  resources: Record<string, string>;
}

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function member(fields: Record<string, string>): string {
  return `<member>${Object.entries(fields)
    .map(([k, v]) => `<${k}>${escape(v)}</${k}>`)
    .join('')}</member>`;
}

export class CloudFormationFake {
  readonly stacks = new Map<string, FakeStack>();
  /** Every action called with its main argument, in order. */
  readonly calls: string[] = [];
  /** When set, every call is refused with this error code (AccessDenied, say), as for a role without the permission. */
  refuse: string | undefined;
  private server: Server | undefined;
  url = '';

  constructor(
    readonly region = 'us-east-1',
    readonly account = '123456789012',
  ) {}

  add(stack: FakeStack): this {
    this.stacks.set(stack.name, stack);
    return this;
  }

  stackId(name: string): string {
    return `arn:aws:cloudformation:${this.region}:${this.account}:stack/${name}/00000000-0000-4000-8000-000000000000`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    const action = form.get('Action') ?? '';
    if (this.refuse) {
      const message = `User: arn:aws:iam::${this.account}:user/test is not authorized to perform: cloudformation:${action}`;
      this.reply(res, 403, `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${this.refuse}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
      return;
    }
    try {
      const result = this.answer(action, form);
      this.reply(res, 200, `<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`);
    } catch (error) {
      const message = escape((error as Error).message);
      this.reply(res, 400, `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
    }
  }

  private reply(res: ServerResponse, status: number, xml: string): void {
    res.writeHead(status, { 'content-type': 'text/xml' }).end(xml);
  }

  private answer(action: string, form: URLSearchParams): string {
    if (action === 'DescribeStacks') {
      const name = form.get('StackName') ?? '';
      this.calls.push(`DescribeStacks ${name}`.trim());
      // Without a name, CloudFormation describes every stack of the region.
      if (name === '') return `<Stacks>${[...this.stacks.values()].map((s) => this.describe(s)).join('')}</Stacks>`;
      const stack = this.stacks.get(name) ?? [...this.stacks.values()].find((s) => this.stackId(s.name) === name);
      if (!stack) throw new Error(`Stack with id ${name} does not exist`);
      return `<Stacks>${this.describe(stack)}</Stacks>`;
    }
    if (action === 'DescribeStackResources') {
      const physicalId = form.get('PhysicalResourceId') ?? '';
      this.calls.push(`DescribeStackResources ${physicalId}`);
      for (const stack of this.stacks.values()) {
        const logical = Object.entries(stack.resources).find(([, id]) => id === physicalId)?.[0];
        if (logical === undefined) continue;
        const resource = {
          StackName: stack.name,
          StackId: this.stackId(stack.name),
          LogicalResourceId: logical,
          PhysicalResourceId: physicalId,
          ResourceType: 'AWS::S3::Bucket',
          Timestamp: '2026-01-05T10:00:00.000Z',
          ResourceStatus: 'CREATE_COMPLETE',
        };
        return `<StackResources>${member(resource)}</StackResources>`;
      }
      throw new Error(`Stack for ${physicalId} does not exist`);
    }
    throw new Error(`the fake does not know ${action}`);
  }

  private describe(stack: FakeStack): string {
    const outputs = Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => member({ OutputKey, OutputValue }));
    const fields = { StackId: this.stackId(stack.name), StackName: stack.name, StackStatus: 'UPDATE_COMPLETE', CreationTime: '2026-01-05T10:00:00.000Z' };
    return member(fields).replace('</member>', `<Outputs>${outputs.join('')}</Outputs></member>`);
  }

  /** Env that points the real SDK at this fake. */
  env(): Record<string, string> {
    return { AWS_ENDPOINT_URL_CLOUDFORMATION: this.url };
  }
}
