// Shared GIVEN helpers for the Custom::WorkSpacesConnectionAlias handler tests. Each test file must itself
// call jest.mock('../../lambda/shared/sleep', ...) (jest hoists it only within the file that contains it).
import { createHash } from 'node:crypto';
import {
  AssociateConnectionAliasCommand,
  ConnectionAlias,
  ConnectionAliasAssociation,
  ConnectionAliasState,
  AssociationStatus,
  CreateConnectionAliasCommand,
  CreateTagsCommand,
  DeleteConnectionAliasCommand,
  DeleteTagsCommand,
  DescribeConnectionAliasesCommand,
  DescribeConnectionAliasPermissionsCommand,
  DescribeTagsCommand,
  DisassociateConnectionAliasCommand,
  InvalidResourceStateException,
  UpdateConnectionAliasPermissionCommand,
  WorkSpacesClient,
} from '@aws-sdk/client-workspaces';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { eventBuilders } from './cloudformation-events';
import type { LambdaContextLike } from '../../lambda/shared/cloudformation';
import { sleep } from '../../lambda/shared/sleep';

/** Mocks the prototype, so the handler's module-level client is mocked too. */
export const ws = mockClient(WorkSpacesClient);

export const OWNER_ACCOUNT = '111111111111';
export const SHARED_ACCOUNT = '222222222222';
export const OTHER_SHARED_ACCOUNT = '333333333333';
export const ALIAS_ID = 'wsca-a1b2c3d4e';
export const NEW_ALIAS_ID = 'wsca-n3w0a1i4s';
export const FOREIGN_ALIAS_ID = 'wsca-f0re1gn77';
export const CONNECTION_STRING = 'desktop.example.com';
export const NEW_CONNECTION_STRING = 'desktop2.example.com';
export const DIRECTORY = 'd-1234567890';
export const OTHER_DIRECTORY = 'd-abcdef0123';
export const CONNECTION_IDENTIFIER = 'abcDEF123';
export const OTHER_CONNECTION_IDENTIFIER = 'xyz789QRS';
export const OWNER_TAG_KEY = 'cdk-aliases:owner';
export const STACK_ID = 'arn:aws:cloudformation:us-east-1:111111111111:stack/DesktopStack/6b2a-guid';
export const LOGICAL_ID = 'DesktopAlias1A2B3C4D';
export const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:111111111111:function:provider-onEvent';
export const RESPONSE_URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Signature=SECRET-SIGNATURE';
export const TEN_MINUTES = 600_000;
/**
 * What the handler keeps back for answering (ANSWER_RESERVE_MS) and, in a Create, for undoing (UNDO_RESERVE_MS)
 * with a ten-minute context. They are caps: with less time, 10 % and 25 % are kept instead (see deadlinesFor).
 */
export const ANSWER_RESERVE_MS = 20_000;
export const UNDO_RESERVE_MS = 120_000;

/**
 * The deadlines the spec defines for a context with `contextMs` left, as elapsed ms from the start: the handler
 * answers by `answerBy` (it keeps min(20 s, 10 %) back), and a Create stops its work by `workBy` (it keeps
 * min(120 s, 25 % of what is left until answerBy) back for undoing it).
 */
export function deadlinesFor(contextMs: number): { answerBy: number; workBy: number } {
  const answerBy = contextMs - Math.min(ANSWER_RESERVE_MS, contextMs / 10);
  return { answerBy, workBy: answerBy - Math.min(UNDO_RESERVE_MS, answerBy / 4) };
}

export { backoffDelays, backoffGivesUpAfter, backoffSleeps } from './backoff';

// ---- events ----

/** ResourceProperties as the construct writes them (plus what a test overrides). */
export function props(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ServiceToken: SERVICE_TOKEN, ConnectionString: CONNECTION_STRING, ...overrides };
}

const events = eventBuilders({
  ServiceToken: SERVICE_TOKEN,
  ResponseURL: RESPONSE_URL,
  StackId: STACK_ID,
  LogicalResourceId: LOGICAL_ID,
  ResourceType: 'Custom::WorkSpacesConnectionAlias',
});

export function createEvent(resourceProperties: Record<string, unknown> = props(), requestId = 'req-create'): CloudFormationCustomResourceCreateEvent {
  return events.createEvent(resourceProperties, requestId);
}

export function updateEvent(
  resourceProperties: Record<string, unknown>,
  oldResourceProperties: Record<string, unknown>,
  physicalResourceId = ALIAS_ID,
  requestId = 'req-update',
): CloudFormationCustomResourceUpdateEvent {
  return events.updateEvent(resourceProperties, oldResourceProperties, physicalResourceId, requestId);
}

export function deleteEvent(physicalResourceId = ALIAS_ID, resourceProperties: Record<string, unknown> = props()): CloudFormationCustomResourceDeleteEvent {
  return events.deleteEvent(physicalResourceId, resourceProperties);
}

/** The owner tag value the spec defines, computed independently of the handler. */
export function ownerTagValue(stackId = STACK_ID, logicalId = LOGICAL_ID): string {
  return createHash('sha256').update(`${stackId}/${logicalId}`).digest('hex');
}

/** A Lambda context with `ms` left. */
export function contextWith(ms = TEN_MINUTES): LambdaContextLike {
  return { getRemainingTimeInMillis: () => ms };
}

// ---- alias states ----

export interface AliasSpec {
  readonly id?: string;
  readonly connectionString?: string;
  readonly associations?: ConnectionAliasAssociation[];
}

/** An alias as DescribeConnectionAliases lists it. */
export function alias(state: ConnectionAliasState, spec: AliasSpec = {}): ConnectionAlias {
  return {
    AliasId: spec.id ?? ALIAS_ID,
    ConnectionString: spec.connectionString ?? CONNECTION_STRING,
    OwnerAccountId: OWNER_ACCOUNT,
    State: state,
    ...(spec.associations ? { Associations: spec.associations } : {}),
  };
}

/** An association made by the owner account. */
export function ownerAssociation(
  directory: string,
  status: AssociationStatus = 'ASSOCIATED_WITH_OWNER_ACCOUNT',
  connectionIdentifier: string | null = CONNECTION_IDENTIFIER,
): ConnectionAliasAssociation {
  return {
    AssociatedAccountId: OWNER_ACCOUNT,
    ResourceId: directory,
    AssociationStatus: status,
    ...(connectionIdentifier === null ? {} : { ConnectionIdentifier: connectionIdentifier }),
  };
}

/** An association made by the account the alias is shared with. */
export function sharedAccountAssociation(directory: string, account = SHARED_ACCOUNT): ConnectionAliasAssociation {
  return { AssociatedAccountId: account, ResourceId: directory, AssociationStatus: 'ASSOCIATED_WITH_SHARED_ACCOUNT', ConnectionIdentifier: 'shared1' };
}

/** A CREATED alias, with an owner association with `directory` in `status` if given (null: no ConnectionIdentifier yet). */
export function created(directory?: string, status?: AssociationStatus, connectionIdentifier?: string | null): ConnectionAlias {
  return alias('CREATED', directory ? { associations: [ownerAssociation(directory, status, connectionIdentifier)] } : {});
}

/** Describe answers with an empty list: the alias does not exist. */
export const GONE = 'gone' as const;
export type DescribeAnswer = ConnectionAlias | typeof GONE | Error;

function describeOutput(answer: ConnectionAlias | typeof GONE) {
  return { ConnectionAliases: answer === GONE ? [] : [answer] };
}

/** DescribeConnectionAliases {AliasIds: [aliasId]} answers `answers` in turn; the last one repeats. */
export function givenDescribe(aliasId: string, ...answers: DescribeAnswer[]): void {
  let behaviour = ws.on(DescribeConnectionAliasesCommand, { AliasIds: [aliasId] });
  for (const answer of answers.slice(0, -1)) {
    behaviour = answer instanceof Error ? behaviour.rejectsOnce(answer) : behaviour.resolvesOnce(describeOutput(answer));
  }
  const last = answers[answers.length - 1];
  if (last instanceof Error) {
    behaviour.rejects(last);
  } else {
    behaviour.resolves(describeOutput(last));
  }
}

/** DescribeConnectionAliases {AliasIds: [aliasId]} answers whatever `state()` says at the time of the call. */
export function givenDescribeFrom(aliasId: string, state: () => DescribeAnswer): void {
  ws.on(DescribeConnectionAliasesCommand, { AliasIds: [aliasId] }).callsFake(async () => {
    const answer = state();
    if (answer instanceof Error) {
      throw answer;
    }
    return describeOutput(answer);
  });
}

/** The search by connection string (DescribeConnectionAliases without AliasIds) answers these pages in turn. */
export function givenSearch(...pages: Array<{ aliases: ConnectionAlias[]; nextToken?: string }>): void {
  let behaviour = ws.on(DescribeConnectionAliasesCommand, { Limit: 25 });
  for (const page of pages) {
    behaviour = behaviour.resolvesOnce({ ConnectionAliases: page.aliases, NextToken: page.nextToken });
  }
  behaviour.rejects(new Error('test: unexpected extra search page'));
}

/** DescribeTags on `aliasId` answers these tag maps in turn; the last one repeats. */
export function givenTags(aliasId: string, ...maps: Array<Record<string, string>>): void {
  const output = (map: Record<string, string>) => ({ TagList: Object.entries(map).map(([Key, Value]) => ({ Key, Value })) });
  let behaviour = ws.on(DescribeTagsCommand, { ResourceId: aliasId });
  for (const map of maps.slice(0, -1)) {
    behaviour = behaviour.resolvesOnce(output(map));
  }
  behaviour.resolves(output(maps[maps.length - 1]));
}

/** The tags an alias created by this resource carries: the user's and the owner tag. */
export function ourTags(user: Record<string, string> = {}): Record<string, string> {
  return { ...user, [OWNER_TAG_KEY]: ownerTagValue() };
}

/** DescribeConnectionAliasPermissions on `aliasId` lists these accounts, in turn; the last list repeats. */
export function givenSharedWith(aliasId: string, ...accountLists: string[][]): void {
  const output = (accounts: string[]) => ({
    AliasId: aliasId,
    ConnectionAliasPermissions: accounts.map((account) => ({ SharedAccountId: account, AllowAssociation: true })),
  });
  let behaviour = ws.on(DescribeConnectionAliasPermissionsCommand, { AliasId: aliasId });
  for (const accounts of accountLists.slice(0, -1)) {
    behaviour = behaviour.resolvesOnce(output(accounts));
  }
  behaviour.resolves(output(accountLists[accountLists.length - 1]));
}

// ---- errors ----

/** What WorkSpaces answers while an alias or association is still settling. */
export function settling(): InvalidResourceStateException {
  return new InvalidResourceStateException({ message: 'The specified connection alias is not in a valid state', $metadata: {} });
}

// ---- observing ----

/** The WorkSpaces calls made, in order, as short strings. */
export function callLog(): string[] {
  return ws.calls().map((call) => {
    const command = call.args[0];
    const input = command.input as Record<string, any>;
    if (command instanceof DescribeConnectionAliasesCommand) {
      return input.AliasIds ? `Describe ${input.AliasIds.join(',')}` : `Search${input.NextToken ? ` ${input.NextToken}` : ''}`;
    }
    if (command instanceof CreateConnectionAliasCommand) return `Create ${input.ConnectionString}`;
    if (command instanceof DeleteConnectionAliasCommand) return `Delete ${input.AliasId}`;
    if (command instanceof DescribeTagsCommand) return `DescribeTags ${input.ResourceId}`;
    if (command instanceof CreateTagsCommand) return `CreateTags ${input.ResourceId}`;
    if (command instanceof DeleteTagsCommand) return `DeleteTags ${input.ResourceId}`;
    if (command instanceof DescribeConnectionAliasPermissionsCommand) return `DescribePermissions ${input.AliasId}`;
    if (command instanceof UpdateConnectionAliasPermissionCommand) {
      const permission = input.ConnectionAliasPermission;
      return `${permission.AllowAssociation ? 'Share' : 'Unshare'} ${input.AliasId} ${permission.SharedAccountId}`;
    }
    if (command instanceof AssociateConnectionAliasCommand) return `Associate ${input.AliasId} ${input.ResourceId}`;
    if (command instanceof DisassociateConnectionAliasCommand) return `Disassociate ${input.AliasId}`;
    return command.constructor.name;
  });
}

/** Only the calls that change something, in order. */
export function mutations(): string[] {
  return callLog().filter((call) => !/^(Describe|Search)/.test(call));
}

// ---- per-test setup ----

/** Virtual time: Date.now() reads it and the mocked sleep() advances it, so deadlines pass without waiting. */
export const clock = { now: 0, started: 0 };

export function elapsedMs(): number {
  return clock.now - clock.started;
}

/**
 * Resets the mock to a quiet account: no alias has our connection string, nothing is shared or tagged, and
 * every mutating call succeeds. Tests override what they need; a later .on() for the same input wins.
 */
export function resetWorkSpaces(): void {
  ws.reset();
  clock.now = 1_800_000_000_000;
  clock.started = clock.now;
  jest.spyOn(Date, 'now').mockImplementation(() => clock.now);
  jest.mocked(sleep).mockReset();
  jest.mocked(sleep).mockImplementation(async (ms: number) => {
    clock.now += ms;
  });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);

  ws.on(DescribeConnectionAliasesCommand).rejects(new Error('test: unexpected DescribeConnectionAliases'));
  ws.on(DescribeConnectionAliasesCommand, { Limit: 25 }).resolves({ ConnectionAliases: [] });
  ws.on(DescribeTagsCommand).resolves({ TagList: [] });
  ws.on(DescribeConnectionAliasPermissionsCommand).resolves({ ConnectionAliasPermissions: [] });
  ws.on(CreateConnectionAliasCommand).resolves({ AliasId: ALIAS_ID });
  ws.on(CreateTagsCommand).resolves({});
  ws.on(DeleteTagsCommand).resolves({});
  ws.on(UpdateConnectionAliasPermissionCommand).resolves({});
  ws.on(AssociateConnectionAliasCommand).resolves({ ConnectionIdentifier: CONNECTION_IDENTIFIER });
  ws.on(DisassociateConnectionAliasCommand).resolves({});
  ws.on(DeleteConnectionAliasCommand).resolves({});
}
