import { claimOf, handBackMarks, ownerOf, ownMarks, OwnershipKeys, releaseOf, stackNameOf, takeoverMarks } from '../../lambda/shared/ownership';

const KEYS: OwnershipKeys = { owner: 'cdk-aliases:owner', stack: 'cdk-aliases:stack', previousOwner: 'cdk-aliases:previous-owner' };
const STACK_ID = 'arn:aws:cloudformation:us-east-1:111111111111:stack/Desktops/11111111-aaaa-bbbb-cccc-000000000001';
const RECREATED_STACK_ID = 'arn:aws:cloudformation:us-east-1:111111111111:stack/Desktops/22222222-aaaa-bbbb-cccc-000000000002';
const OTHER_STACK_ID = 'arn:aws:cloudformation:us-east-1:111111111111:stack/Other/33333333-aaaa-bbbb-cccc-000000000003';

const oldResource = ownerOf({ StackId: STACK_ID, LogicalResourceId: 'AliasOld' });
const newResource = ownerOf({ StackId: STACK_ID, LogicalResourceId: 'AliasNew' });

/** Applies tag changes as CreateTags then DeleteTags would. */
function apply(tags: Record<string, string>, set: Record<string, string>, remove: string[] = []): Record<string, string> {
  const next = { ...tags, ...set };
  remove.forEach((key) => delete next[key]);
  return next;
}

test('the stack name is read from the StackId', () => {
  expect(stackNameOf(STACK_ID)).toBe('Desktops');
  expect(oldResource.stackName).toBe('Desktops');
  expect(oldResource.marker).toMatch(/^[0-9a-f]{64}$/);
  expect(oldResource.marker).not.toBe(newResource.marker);
});

test('a resource recognises its own marks, also after its stack is deleted and created again under the same name', () => {
  const tags = ownMarks(oldResource, KEYS);
  expect(claimOf(tags, oldResource, KEYS)).toEqual({ kind: 'own' });
  expect(claimOf(tags, ownerOf({ StackId: RECREATED_STACK_ID, LogicalResourceId: 'AliasOld' }), KEYS)).toEqual({ kind: 'own' });
});

test('marks written by earlier versions (a hash of the StackId) still count as the resource\'s own', () => {
  const legacy = { [KEYS.owner]: oldResource.legacyMarkers[0] };
  expect(claimOf(legacy, oldResource, KEYS)).toEqual({ kind: 'own' });
  expect(releaseOf(legacy, oldResource, KEYS)).toEqual({ kind: 'remove' });
});

test('unmarked and other stacks\' things are never claimed nor released', () => {
  expect(claimOf({ team: 'euc' }, oldResource, KEYS)).toEqual({ kind: 'unmarked' });
  const foreign = ownMarks(ownerOf({ StackId: OTHER_STACK_ID, LogicalResourceId: 'AliasOld' }), KEYS);
  expect(claimOf(foreign, oldResource, KEYS)).toEqual({ kind: 'foreign', stackName: 'Other' });
  expect(releaseOf(foreign, oldResource, KEYS)).toEqual({ kind: 'leave', reason: expect.stringContaining('stack Other') });
  expect(releaseOf({}, oldResource, KEYS)).toEqual({ kind: 'leave', reason: expect.stringContaining('no owner mark') });
});

test('a rename: the new resource takes over, the old one\'s cleanup Delete confirms, and the new one owns it outright', () => {
  let tags = ownMarks(oldResource, KEYS);
  const claim = claimOf(tags, newResource, KEYS);
  expect(claim).toEqual({ kind: 'renamed', fromMarker: oldResource.marker });
  tags = apply(tags, takeoverMarks(newResource, oldResource.marker, KEYS));

  expect(releaseOf(tags, oldResource, KEYS)).toEqual({ kind: 'confirm-handover' });
  tags = apply(tags, {}, [KEYS.previousOwner]);

  expect(claimOf(tags, newResource, KEYS)).toEqual({ kind: 'own' });
  expect(releaseOf(tags, newResource, KEYS)).toEqual({ kind: 'remove' });
  expect(releaseOf(tags, oldResource, KEYS)).toEqual({ kind: 'leave', reason: expect.any(String) });
});

test('a rename rolled back: the new resource hands back, and the old one owns it again', () => {
  let tags = apply(ownMarks(oldResource, KEYS), takeoverMarks(newResource, oldResource.marker, KEYS));

  const release = releaseOf(tags, newResource, KEYS);
  expect(release).toEqual({ kind: 'hand-back', toMarker: oldResource.marker });
  tags = apply(tags, handBackMarks(newResource, oldResource.marker, KEYS), [KEYS.previousOwner]);

  expect(tags).toEqual(ownMarks(oldResource, KEYS));
  expect(releaseOf(tags, oldResource, KEYS)).toEqual({ kind: 'remove' });
});
