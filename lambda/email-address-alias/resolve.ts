import { type ConnectClient, SearchEmailAddressesCommand } from '@aws-sdk/client-connect';
import { describeError } from '../shared/errors';
import type { RequestContext } from '../shared/handler';
import type { AddressRef, AliasPair, DeclaredPair } from './properties';

/** Search pages as large as Connect allows: one call finds an address in all but the largest instances. */
const PAGE_SIZE = 100;

/**
 * The pair with every address given as an email address replaced by its id, looked up before anything is
 * changed. Fails, naming the address and the instance, if an address is not in the instance.
 */
export async function resolvePair(ctx: RequestContext<ConnectClient>, declared: DeclaredPair): Promise<AliasPair> {
  const primaryId = await idOf(ctx, declared.instanceId, declared.primary);
  const aliasId = await idOf(ctx, declared.instanceId, declared.alias);
  if (primaryId === aliasId) {
    throw new Error(`emailAddress and aliasEmailAddress both resolve to email address ${primaryId} in instance ${declared.instanceId}; an address cannot be its own alias`);
  }
  return { instanceId: declared.instanceId, primaryId, aliasId };
}

async function idOf(ctx: RequestContext<ConnectClient>, instanceId: string, ref: AddressRef): Promise<string> {
  return 'id' in ref ? ref.id : findAddress(ctx, instanceId, ref.emailAddress);
}

/**
 * SearchEmailAddresses with an EXACT condition on EmailAddress, through every page (the API has no
 * paginator). Connect does not document how EXACT treats case, and email addresses are compared ignoring case,
 * so the results are filtered here, and a page without the address does not end the search.
 */
async function findAddress(ctx: RequestContext<ConnectClient>, instanceId: string, emailAddress: string): Promise<string> {
  const wanted = emailAddress.toLowerCase();
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await ctx.client.send(new SearchEmailAddressesCommand({
        InstanceId: instanceId,
        MaxResults: PAGE_SIZE,
        NextToken: nextToken,
        SearchCriteria: { StringCondition: { FieldName: 'EmailAddress', Value: emailAddress, ComparisonType: 'EXACT' } },
      }));
    } catch (error) {
      throw new Error(`SearchEmailAddresses (email address ${emailAddress} in instance ${instanceId}) failed: ${describeError(error)}`, { cause: error });
    }
    const found = (page.EmailAddresses ?? []).find((address) => address.EmailAddress?.toLowerCase() === wanted && address.EmailAddressId);
    if (found) {
      ctx.log('Resolved email address', { emailAddress, emailAddressId: found.EmailAddressId });
      return found.EmailAddressId!;
    }
    nextToken = page.NextToken;
  } while (nextToken);
  throw new Error(`Email address ${emailAddress} was not found in Amazon Connect instance ${instanceId}; nothing was changed. Create it in that instance first, or correct the address.`);
}
