import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../acknowledge.ts';
import { CONTAINER_PORT } from './app-task.ts';

export interface WebhookApiProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly service: ecs.FargateService;
  /** Source CIDRs allowed to call the endpoint; default any (every request is signature-checked anyway). */
  readonly allowedSourceCidrs?: readonly string[];
  readonly logRetention: logs.RetentionDays;
  /**
   * API Gateway access and execution logs. They need the account-wide API Gateway CloudWatch
   * role, which this construct does not set (it belongs to the account, not to one stack).
   * Default false: the service logs every request itself.
   */
  readonly accessLogs?: boolean;
  /** Steady requests per second the stage accepts; default 50 (burst twice that). */
  readonly throttleRatePerSecond?: number;
}

export const STAGE_NAME = 'prod';

/**
 * The public HTTPS endpoint: a REST API whose resource policy carries the optional source-IP
 * allow-list (HTTP APIs have no resource policy), reaching the tasks through a VPC link and an
 * internal network load balancer. The load balancer only accepts the VPC link's traffic.
 */
export class WebhookApi extends Construct {
  readonly api: apigw.RestApi;
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  readonly url: string;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    this.loadBalancer = this.internalLoadBalancer(props);
    const vpcLink = new apigw.VpcLink(this, 'VpcLink', { targets: [this.loadBalancer] });
    this.api = new apigw.RestApi(this, 'Api', {
      description: 'Benchling app webhooks',
      endpointTypes: [apigw.EndpointType.REGIONAL],
      cloudWatchRole: false,
      policy: resourcePolicy(props.allowedSourceCidrs),
      deployOptions: this.stageOptions(props),
    });
    const integration = (path: string) =>
      new apigw.Integration({
        type: apigw.IntegrationType.HTTP_PROXY,
        integrationHttpMethod: 'ANY',
        uri: `http://${this.loadBalancer.loadBalancerDnsName}${path}`,
        options: {
          connectionType: apigw.ConnectionType.VPC_LINK,
          vpcLink,
          timeout: Duration.seconds(29),
          requestParameters: path.includes('{proxy}') ? { 'integration.request.path.proxy': 'method.request.path.proxy' } : {},
        },
      });
    // Benchling's "Stable" routing posts to the root; "Suffixed" routing to /lifecycle, /event, /canvas.
    this.api.root.addMethod('ANY', integration('/'));
    this.api.root
      .addResource('{proxy+}')
      .addMethod('ANY', integration('/{proxy}'), { requestParameters: { 'method.request.path.proxy': true } });
    this.url = this.api.url;
    this.acknowledgeFindings(props);
  }

  private internalLoadBalancer(props: WebhookApiProps): elbv2.NetworkLoadBalancer {
    const securityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc,
      description: 'Webhook load balancer: no inbound rules, only VPC link (PrivateLink) traffic reaches it',
      allowAllOutbound: false,
    });
    const loadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: false,
      crossZoneEnabled: true,
      securityGroups: [securityGroup],
      enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: false,
    });
    loadBalancer.addListener('Listener', { port: 80, protocol: elbv2.Protocol.TCP }).addTargets('Service', {
      port: CONTAINER_PORT,
      protocol: elbv2.Protocol.TCP,
      targets: [props.service.loadBalancerTarget({ containerName: 'App', containerPort: CONTAINER_PORT })],
      healthCheck: { protocol: elbv2.Protocol.HTTP, path: '/health', interval: Duration.seconds(15), healthyThresholdCount: 2, unhealthyThresholdCount: 2 },
      deregistrationDelay: Duration.seconds(30),
    });
    props.service.connections.allowFrom(loadBalancer, ec2.Port.tcp(CONTAINER_PORT), 'webhook load balancer to tasks');
    return loadBalancer;
  }

  private stageOptions(props: WebhookApiProps): apigw.StageOptions {
    const rate = props.throttleRatePerSecond ?? 50;
    const common: apigw.StageOptions = {
      stageName: STAGE_NAME,
      throttlingRateLimit: rate,
      throttlingBurstLimit: rate * 2,
      metricsEnabled: true,
    };
    if (!props.accessLogs) return { ...common, loggingLevel: apigw.MethodLoggingLevel.OFF };
    const group = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: RemovalPolicy.RETAIN });
    return {
      ...common,
      // ERROR only, never a data trace: request bodies are signed payloads from a customer's notebook.
      loggingLevel: apigw.MethodLoggingLevel.ERROR,
      dataTraceEnabled: false,
      accessLogDestination: new apigw.LogGroupLogDestination(group),
      accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields(),
    };
  }

  private acknowledgeFindings(props: WebhookApiProps): void {
    const signature =
      'Benchling cannot send credentials an API Gateway authorizer checks; every POST is authenticated in the service by ' +
      "its ECDSA signature against the app's JWKS before anything is queued, and unsigned requests get 401.";
    acknowledge(this.api, 'AwsSolutions-APIG4', signature);
    acknowledge(this.api, 'AwsSolutions-COG4', signature);
    acknowledge(
      this.api,
      'AwsSolutions-APIG2',
      'The service validates each body itself after checking its signature; a request model here would reject ' +
        'payload versions Benchling adds before the service is updated to understand them.',
    );
    acknowledge(
      this.api,
      'AwsSolutions-APIG3',
      'Requests are limited by the optional source-IP allow-list in the resource policy, stage throttling and the ' +
        'signature check; a WAF web ACL would add cost without a rule that those do not already enforce.',
    );
    if (!props.accessLogs) {
      const why =
        'API Gateway logging needs the account-wide API Gateway CloudWatch role, which one stack must not own ' +
        "(it would overwrite another stack's setting); the service writes one access-log line per request to its " +
        'retained log group. Set accessLogs where the account role exists.';
      acknowledge(this.api, 'AwsSolutions-APIG1', why);
      acknowledge(this.api, 'AwsSolutions-APIG6', why);
    }
    acknowledge(
      this.loadBalancer,
      'AwsSolutions-ELB2',
      'The network load balancer only forwards TCP from the API Gateway VPC link to the tasks; NLB access logs exist ' +
        'only for TLS listeners, and each request is already logged by the service.',
    );
  }
}

function resourcePolicy(cidrs: readonly string[] | undefined): iam.PolicyDocument {
  const invoke = { principals: [new iam.AnyPrincipal()], actions: ['execute-api:Invoke'], resources: ['execute-api:/*'] };
  const statements = [new iam.PolicyStatement({ effect: iam.Effect.ALLOW, ...invoke })];
  // Every path, /health included: an allow-list with exceptions is how the upstream one leaked.
  if (cidrs && cidrs.length > 0) {
    statements.push(
      new iam.PolicyStatement({ effect: iam.Effect.DENY, ...invoke, conditions: { NotIpAddress: { 'aws:SourceIp': [...cidrs] } } }),
    );
  }
  return new iam.PolicyDocument({ statements });
}
