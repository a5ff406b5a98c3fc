import type { Authorization, AuthorizationsOf } from './policy-evaluator';

/**
 * The authorisations of an Amazon Connect email-address call, per the Service Authorization Reference: the
 * email actions on `email-address` ARNs (aws:ResourceTag), SearchEmailAddresses on the `instance`, and
 * TagResource/UntagResource on the tagged ARN (aws:RequestTag, aws:TagKeys). [assumed] Associate and
 * Disassociate are authorised on both addresses of the pair (the reference lists the resource type once;
 * checking both is the stricter reading).
 */
export const connectAuthorizations: AuthorizationsOf = (call, tagsOf) => {
  const instanceArn = (instanceId: string) => `arn:aws:connect:${call.region}:${call.accountId}:instance/${instanceId}`;
  const addressArn = (instanceId: string, id: string) => `${instanceArn(instanceId)}/email-address/${id}`;
  const tags = (arn: string) => call.resourceTags?.[arn] ?? tagsOf?.(arn) ?? {};
  const on = (action: string, arn: string, extra: Partial<Authorization> = {}): Authorization => ({ action: `connect:${action}`, resource: arn, resourceTags: tags(arn), ...extra });
  const input = call.input ?? {};
  switch (call.operation) {
    case 'DescribeEmailAddress':
      return [on('DescribeEmailAddress', addressArn(input.InstanceId, input.EmailAddressId))];
    case 'AssociateEmailAddressAlias':
    case 'DisassociateEmailAddressAlias':
      return [
        on(call.operation, addressArn(input.InstanceId, input.EmailAddressId)),
        on(call.operation, addressArn(input.InstanceId, input.AliasConfiguration?.EmailAddressId)),
      ];
    case 'SearchEmailAddresses':
      return [{ action: 'connect:SearchEmailAddresses', resource: instanceArn(input.InstanceId) }];
    case 'TagResource':
      return [on('TagResource', input.resourceArn, { requestTags: input.tags })];
    case 'UntagResource':
      return [on('UntagResource', input.resourceArn, { tagKeys: input.tagKeys })];
    default:
      throw new Error(`connectAuthorizations: no IAM mapping for ${call.operation}`);
  }
};
