import { Lazy, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { UsageError } from '../../errors/app-error.ts';

/** An existing VPC, named by explicit ids so that synth never looks anything up. */
export interface ExistingVpc {
  readonly vpcId: string;
  /**
   * Private subnets with a route to the internet (a NAT gateway) for the tasks and the
   * internal load balancer: at least two, in different availability zones.
   */
  readonly privateSubnetIds: readonly string[];
}

export interface WebhookNetworkProps {
  /** Default: a new VPC with two availability zones. */
  readonly existingVpc?: ExistingVpc;
  /** NAT gateways of a new VPC; default 1 (2 survives the loss of an AZ's NAT, at twice the cost). */
  readonly natGateways?: number;
  readonly logRetention: logs.RetentionDays;
}

const VPC_ID = /^vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8}(?:[0-9a-f]{9})?$/;

export function checkExistingVpc(vpc: ExistingVpc): void {
  if (!VPC_ID.test(vpc.vpcId)) throw new UsageError('VPC_ID_INVALID', `VPC id must look like vpc-0123456789abcdef0`);
  const bad = vpc.privateSubnetIds.filter((id) => !SUBNET_ID.test(id));
  if (bad.length > 0) throw new UsageError('SUBNET_ID_INVALID', `subnet ids must look like subnet-0123456789abcdef0: ${bad.join(', ')}`);
  if (new Set(vpc.privateSubnetIds).size < 2) {
    throw new UsageError('SUBNETS_TOO_FEW', 'an existing VPC needs at least two private subnets (in two availability zones) for the tasks and the load balancer');
  }
}

/** Where the tasks and the internal load balancer run: private subnets only. */
export class WebhookNetwork extends Construct {
  readonly vpc: ec2.IVpc;
  readonly privateSubnets: ec2.SubnetSelection;

  constructor(scope: Construct, id: string, props: WebhookNetworkProps) {
    super(scope, id);
    if (props.existingVpc) {
      checkExistingVpc(props.existingVpc);
      // The zones of imported subnets are unknown offline; nothing here needs them, and a
      // construct that did would fail synth here instead of writing a made-up zone.
      const unknownZone = Lazy.string({
        produce: () => {
          throw new UsageError('VPC_ZONES_UNKNOWN', 'the availability zones of an existing VPC are not known offline');
        },
      });
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', { vpcId: props.existingVpc.vpcId, availabilityZones: [unknownZone] });
      const subnets = props.existingVpc.privateSubnetIds.map((subnetId) => ec2.Subnet.fromSubnetId(this, subnetId, subnetId));
      this.privateSubnets = { subnets };
      return;
    }
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: props.natGateways ?? 1,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
    });
    // Package data goes to S3 through the free gateway endpoint, not through the NAT.
    vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', { retention: props.logRetention, removalPolicy: RemovalPolicy.RETAIN });
    vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.REJECT });
    this.vpc = vpc;
    this.privateSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  }
}
