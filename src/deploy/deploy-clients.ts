import type { OperateClients } from '../operate/aws-clients.ts';

/** The AWS APIs a deploy watches through: the same clients `status` and `logs` use. */
export type DeployClients = Pick<OperateClients, 'cloudFormation' | 'ecs' | 'logs'>;
