import type { EC2Client, Tag } from '@aws-sdk/client-ec2';

export interface VpcSummary {
  id: string;
  name: string | undefined;
  cidr: string | undefined;
  isDefault: boolean;
}

export interface SubnetSummary {
  id: string;
  name: string | undefined;
  zone: string | undefined;
  cidr: string | undefined;
  /** Subnets that give instances public addresses are usually the public ones; the tasks belong in the others. */
  publicAddresses: boolean;
}

/** The VPCs and subnets of the account, for choosing from a list instead of typing ids. */
export interface VpcDirectory {
  vpcs(): Promise<VpcSummary[]>;
  subnets(vpcId: string): Promise<SubnetSummary[]>;
}

function nameTag(tags: Tag[] | undefined): string | undefined {
  return tags?.find((t) => t.Key === 'Name')?.Value;
}

/**
 * EC2 in the chosen region and AWS profile; short timeouts, since a failure only means the
 * user types the id. The EC2 SDK is large, so it is loaded only when a VPC is to be chosen.
 */
export function ec2VpcDirectory(region: string, awsProfile: string | undefined): VpcDirectory {
  const sdk = import('@aws-sdk/client-ec2');
  let client: EC2Client | undefined;
  const ec2 = async () => {
    const { EC2Client } = await sdk;
    client ??= new EC2Client({ region, profile: awsProfile, maxAttempts: 1, requestHandler: { connectionTimeout: 3_000, requestTimeout: 8_000 } });
    return client;
  };
  return {
    async vpcs() {
      const { DescribeVpcsCommand } = await sdk;
      const out = await (await ec2()).send(new DescribeVpcsCommand({}));
      return (out.Vpcs ?? []).map((v) => ({ id: v.VpcId ?? '', name: nameTag(v.Tags), cidr: v.CidrBlock, isDefault: v.IsDefault === true }));
    },
    async subnets(vpcId) {
      const { DescribeSubnetsCommand } = await sdk;
      const out = await (await ec2()).send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
      return (out.Subnets ?? []).map((s) => ({
        id: s.SubnetId ?? '',
        name: nameTag(s.Tags),
        zone: s.AvailabilityZone,
        cidr: s.CidrBlock,
        publicAddresses: s.MapPublicIpOnLaunch === true,
      }));
    },
  };
}
