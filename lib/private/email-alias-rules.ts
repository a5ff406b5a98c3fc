import { Stack, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { emailAddressIdOf } from './validation';

/** One primary → alias pair declared in a stack, with comparable keys for both addresses. */
interface DeclaredPair {
  readonly construct: Construct;
  readonly primary: string;
  readonly alias: string;
}

const declared = new WeakMap<Stack, DeclaredPair[]>();

/**
 * A value that stands for one address across constructs: the id for literals (an ARN and its id are the
 * same address), the token text otherwise (two references to the same CfnEmailAddress attribute share it).
 */
export function addressKey(value: string): string {
  return Token.isUnresolved(value) ? value : emailAddressIdOf(value);
}

/**
 * Registers a pair and returns the Connect rules it breaks against the pairs declared before it in the
 * stack: an address has at most one alias, an address used as an alias cannot be aliased again, and aliases
 * do not chain. Each message names both constructs.
 */
export function declarePair(construct: Construct, primary: string, alias: string): () => string[] {
  const stack = Stack.of(construct);
  const pairs = declared.get(stack) ?? [];
  declared.set(stack, pairs);
  const pair: DeclaredPair = { construct, primary: addressKey(primary), alias: addressKey(alias) };
  const earlier = [...pairs];
  pairs.push(pair);
  return () => earlier.flatMap((other) => conflicts(pair, other));
}

function conflicts(pair: DeclaredPair, other: DeclaredPair): string[] {
  const me = `'${pair.construct.node.path}'`;
  const them = `'${other.construct.node.path}'`;
  const problems: string[] = [];
  if (pair.primary === other.primary) {
    problems.push(`${me} and ${them} give the same primary address two aliases; Amazon Connect allows one alias per email address`);
  }
  if (pair.alias === other.alias) {
    problems.push(`${me} and ${them} use the same alias address twice; an address can be the alias of one primary only`);
  }
  if (pair.alias === other.primary) {
    problems.push(`${me} uses as its alias the primary address of ${them}; Amazon Connect does not chain aliases`);
  }
  if (pair.primary === other.alias) {
    problems.push(`${me} gives an alias to the alias address of ${them}; Amazon Connect does not chain aliases`);
  }
  return problems;
}
