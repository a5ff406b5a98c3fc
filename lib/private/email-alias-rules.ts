import { Stack, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { emailAddressIdOf } from './validation';

/** One address of a pair as the user gave it: the property that holds it and its value. */
export interface DeclaredAddress {
  /** The property name as the user wrote it (`emailAddressId`, `aliasEmailAddress`, `primary`, …). */
  readonly property: string;
  /** The value: an id, an ARN, an email address, or a token. */
  readonly value: string;
  /** True when `value` is an email address rather than an id or ARN. */
  readonly isEmailAddress: boolean;
  /** How to show the value in a message; defaults to the literal, quoted. */
  readonly display?: string;
}

/** One primary → alias pair declared in a stack. */
interface DeclaredPair {
  readonly construct: Construct;
  readonly primary: DeclaredAddress;
  readonly alias: DeclaredAddress;
}

const declared = new WeakMap<Stack, DeclaredPair[]>();

/**
 * A value that stands for one address across constructs: for literals, the id (an ARN and its id are the
 * same address) or the email address in lower case (Connect compares addresses case-insensitively); the token
 * text otherwise (two references to the same CfnEmailAddress attribute share it). An address given by id and
 * the same one given as an email address cannot be matched at synth; the handler's Connect calls catch that.
 */
export function addressKey(address: DeclaredAddress): string {
  if (Token.isUnresolved(address.value)) {
    return address.value;
  }
  return address.isEmailAddress ? `address:${address.value.toLowerCase()}` : `id:${emailAddressIdOf(address.value)}`;
}

/** The address as a message shows it: the property and the value (`emailAddressId 'p'`). */
export function describeAddress(address: DeclaredAddress): string {
  const value = address.display ?? (Token.isUnresolved(address.value) ? '(a token)' : `'${address.value}'`);
  return `${address.property} ${value}`;
}

/**
 * Registers a pair and returns the Connect rules it breaks against the pairs declared before it in the
 * stack: an address has at most one alias, an address used as an alias cannot be aliased again, and aliases
 * do not chain. Each message names both constructs and the properties that hold the addresses.
 */
export function declarePair(construct: Construct, primary: DeclaredAddress, alias: DeclaredAddress): () => string[] {
  const stack = Stack.of(construct);
  const pairs = declared.get(stack) ?? [];
  declared.set(stack, pairs);
  const pair: DeclaredPair = { construct, primary, alias };
  const earlier = [...pairs];
  pairs.push(pair);
  return () => earlier.flatMap((other) => conflicts(pair, other));
}

function conflicts(pair: DeclaredPair, other: DeclaredPair): string[] {
  const me = `'${pair.construct.node.path}'`;
  const them = `'${other.construct.node.path}'`;
  const same = (a: DeclaredAddress, b: DeclaredAddress) => addressKey(a) === addressKey(b);
  const both = (a: DeclaredAddress, b: DeclaredAddress) =>
    describeAddress(a) === describeAddress(b) ? `${describeAddress(a)} in both` : `${describeAddress(a)} and ${describeAddress(b)}`;
  const problems: string[] = [];
  if (same(pair.primary, other.primary)) {
    problems.push(`${me} and ${them} give the same primary address two aliases (${both(pair.primary, other.primary)}); Amazon Connect allows one alias per email address`);
  }
  if (same(pair.alias, other.alias)) {
    problems.push(`${me} and ${them} use the same alias address twice (${both(pair.alias, other.alias)}); an address can be the alias of one primary only`);
  }
  if (same(pair.alias, other.primary)) {
    problems.push(`${me} uses as its alias (${describeAddress(pair.alias)}) the primary address of ${them} (${describeAddress(other.primary)}); Amazon Connect does not chain aliases`);
  }
  if (same(pair.primary, other.alias)) {
    problems.push(`${me} gives an alias to (${describeAddress(pair.primary)}) the alias address of ${them} (${describeAddress(other.alias)}); Amazon Connect does not chain aliases`);
  }
  return problems;
}
