// What the ConnectionAlias ownership and failure lifecycle tests share: the declared aliases, the stacks that
// hold them, and the marks the handler must write, computed independently of it.
import { createHash } from 'node:crypto';
import { Stack, Tags } from 'aws-cdk-lib';
import { ConnectionAlias, ConnectionAliasProps } from '../../lib';
import { CloudFormationSimulator, emulatorEnvironment, synthesize, SynthesizedStack, WorkSpacesEmulator } from '../../testkit';

export const OWNER = 'cdk-aliases:owner';
export const STACK = 'cdk-aliases:stack';
export const PREVIOUS_OWNER = 'cdk-aliases:previous-owner';
export const DIRECTORY = 'd-1111111111';
export const MISSING_DIRECTORY = 'd-9999999999';
export const DELAYS = { createDelayMs: 150, deleteDelayMs: 150, associateDelayMs: 150, disassociateDelayMs: 150 };
export const DESKTOP: ConnectionAliasProps = { connectionString: 'desktop.example.com', directoryId: DIRECTORY, sharedAccountId: '222222222222' };

/** A CloudFormation simulator for stack `stackName` whose handlers call `emulator`. */
export function simulatorFor(emulator: WorkSpacesEmulator, stackName: string, invokeTimeoutMs?: number): CloudFormationSimulator {
  return new CloudFormationSimulator({
    stackName,
    env: emulatorEnvironment({ workspaces: emulator.endpoint }),
    invoke: invokeTimeoutMs ? { timeoutMs: invokeTimeoutMs } : undefined,
  });
}

/** A stack with one ConnectionAlias per entry (construct id → props), tagged team=euc. */
export function stackWith(aliases: Record<string, ConnectionAliasProps>): SynthesizedStack {
  return synthesize((stack: Stack) => {
    for (const [id, props] of Object.entries(aliases)) {
      Tags.of(new ConnectionAlias(stack, id, props)).add('team', 'euc');
    }
  });
}

/** The logical id of the alias whose construct id is `constructId`. */
export function logicalId(stack: SynthesizedStack, constructId: string): string {
  return Object.keys(stack.template.Resources).find(
    (id) => stack.template.Resources[id].Type === 'Custom::WorkSpacesConnectionAlias' && id.startsWith(constructId),
  )!;
}

/** The owner mark of `logicalId` in stack `stackName`. */
export function markOf(stackName: string, id: string): string {
  return createHash('sha256').update(`${stackName}/${id}`).digest('hex');
}
