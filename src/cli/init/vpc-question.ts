import { UsageError } from '../../errors/app-error.ts';
import type { Question } from './ask.ts';
import type { Choice, Prompter, Verdict } from './prompter.ts';
import { problemOf, splitList, type StackQuestionsInput } from './stack-questions.ts';
import type { SubnetSummary, VpcDirectory, VpcSummary } from './vpcs.ts';

export type VpcAnswer = { kind: 'new' } | { kind: 'existing'; vpcId: string; subnetIds: string[] };

async function formatProblem(vpc: VpcAnswer): Promise<string | undefined> {
  if (vpc.kind === 'new') return undefined;
  // Loaded only for an existing VPC: the stack's own rule, so init never accepts what synth refuses.
  const { checkExistingVpc } = await import('../../infra/constructs/network.ts');
  return problemOf(() => checkExistingVpc({ vpcId: vpc.vpcId, privateSubnetIds: vpc.subnetIds }));
}

function givenVpc(input: StackQuestionsInput): VpcAnswer | undefined {
  const { newVpc, vpcId, subnetIds } = input.options;
  if (newVpc && (vpcId !== undefined || subnetIds !== undefined)) {
    throw new UsageError('INIT_FLAGS_CONFLICT', '--new-vpc excludes --vpc-id and --subnet-ids: pass one or the other');
  }
  if (newVpc) return { kind: 'new' };
  if (vpcId === undefined && subnetIds === undefined) return undefined;
  if (vpcId === undefined) throw new UsageError('VPC_ID_MISSING', '--subnet-ids needs --vpc-id: the VPC the subnets belong to');
  if (subnetIds === undefined) {
    throw new UsageError('SUBNET_IDS_MISSING', '--vpc-id needs --subnet-ids: the private subnets (comma-separated) the tasks run in');
  }
  return { kind: 'existing', vpcId, subnetIds: splitList(subnetIds) };
}

function describeVpc(vpc: VpcSummary): string {
  return [vpc.id, vpc.name && `"${vpc.name}"`, vpc.cidr, vpc.isDefault && '(default VPC)'].filter(Boolean).join(' ');
}

function describeSubnet(subnet: SubnetSummary): string {
  const kind = subnet.publicAddresses ? 'public addresses' : 'private';
  return [subnet.id, subnet.name && `"${subnet.name}"`, subnet.zone, subnet.cidr, `(${kind})`].filter(Boolean).join(' ');
}

/** A listing that fails (no credentials, no network) only means the user types the ids. */
async function listed<T>(prompter: Prompter, what: string, list: (() => Promise<T[]>) | undefined): Promise<T[] | undefined> {
  if (!list) return undefined;
  try {
    const items = await list();
    if (items.length === 0) prompter.note(`no ${what} found in this account and region: type the id`);
    return items.length > 0 ? items : undefined;
  } catch (error) {
    prompter.note(`could not list ${what} (${(error as Error).name}: ${(error as Error).message}): type the id`);
    return undefined;
  }
}

const TYPE_IT = '';

async function askVpcId(prompter: Prompter, directory: VpcDirectory | undefined, current: string | undefined): Promise<string> {
  const vpcs = await listed(prompter, 'VPCs', directory && (() => directory.vpcs()));
  if (vpcs) {
    const choices: Choice<string>[] = [...vpcs.map((v) => ({ name: describeVpc(v), value: v.id })), { name: 'another VPC: type its id', value: TYPE_IT }];
    const chosen = await prompter.choose({ message: 'Existing VPC', choices, default: current });
    if (chosen !== TYPE_IT) return chosen;
  }
  const typed = await prompter.text({
    message: 'VPC id (vpc-…)',
    default: current,
    validate: (v) => (/^vpc-[0-9a-f]+$/.test(v.trim()) ? true : 'a VPC id looks like vpc-0123456789abcdef0'),
  });
  return typed.trim();
}

async function askSubnets(
  prompter: Prompter,
  directory: VpcDirectory | undefined,
  vpcId: string,
  current: string[] | undefined,
  validate: (subnetIds: string[]) => Promise<Verdict>,
): Promise<string[]> {
  const subnets = await listed(prompter, `subnets of ${vpcId}`, directory && (() => directory.subnets(vpcId)));
  if (subnets) {
    const choices = subnets.map((s) => ({
      name: describeSubnet(s),
      value: s.id,
      checked: current ? current.includes(s.id) : !s.publicAddresses,
    }));
    // checkbox validation is synchronous: the format rule runs after the choice, on the same rule.
    const chosen = await prompter.chooseMany({ message: 'Private subnets for the tasks (at least two)', choices, validate: (ids) => (ids.length >= 2 ? true : 'choose at least two subnets, in two availability zones') });
    const verdict = await validate(chosen);
    if (verdict === true) return chosen;
    prompter.note(verdict);
  }
  const typed = await prompter.text({
    message: 'Private subnet ids (comma-separated, at least two)',
    default: current?.join(','),
    validate: (v) => validate(splitList(v)),
  });
  return splitList(typed);
}

export function vpcQuestion(input: StackQuestionsInput, region: string, awsProfile: string | undefined): Question<VpcAnswer> & { required: true } {
  const { profile } = input;
  const current: VpcAnswer | undefined =
    profile?.vpcId !== undefined && profile.subnetIds !== undefined ? { kind: 'existing', vpcId: profile.vpcId, subnetIds: profile.subnetIds } : undefined;
  return {
    flag: '--vpc-id with --subnet-ids, or --new-vpc',
    given: givenVpc(input),
    current,
    fallback: { kind: 'new' },
    required: true,
    format: formatProblem,
    ask: async (prompter, shown, validate) => {
      const kind = await prompter.choose({
        message: 'Network',
        choices: [
          { name: 'a new VPC, created by the stack', value: 'new' as const },
          { name: 'an existing VPC (private subnets with a NAT route)', value: 'existing' as const },
        ],
        default: shown?.kind,
      });
      if (kind === 'new') return { kind };
      const directory = input.vpcDirectory?.(region, awsProfile);
      const vpcId = await askVpcId(prompter, directory, shown?.kind === 'existing' ? shown.vpcId : undefined);
      const sameVpc = shown?.kind === 'existing' && shown.vpcId === vpcId ? shown.subnetIds : undefined;
      const subnetIds = await askSubnets(prompter, directory, vpcId, sameVpc, (ids) => validate({ kind, vpcId, subnetIds: ids }));
      return { kind, vpcId, subnetIds };
    },
  };
}
