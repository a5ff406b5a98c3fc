package io.github.cdkaliases.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.cdkaliases.ConnectionAlias;
import io.github.cdkaliases.EmailAddressAlias;
import io.github.cdkaliases.EmailAddressAliasBetweenProps;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.connect.CfnEmailAddress;

/**
 * cdk-aliases used from Java: the jar jsii-pacmak builds, beside aws-cdk-lib for Java. Every test synthesizes with
 * the real library through the jsii runtime, so what is checked is what a Java user gets.
 */
class SynthTest {
  static final Environment ENV = Environment.builder().account("111111111111").region("us-east-1").build();
  static final String INSTANCE_ID = "11111111-2222-3333-4444-555555555555";
  static final String INSTANCE_ARN = "arn:aws:connect:us-east-1:111111111111:instance/" + INSTANCE_ID;
  static final String PRIMARY_ID = "aaaaaaaa-0000-0000-0000-000000000001";
  static final String ALIAS_ID = "aaaaaaaa-0000-0000-0000-000000000002";

  static Stack stack;
  static ConnectionAlias desktop;
  static EmailAddressAlias sales;
  static CfnEmailAddress support;
  static CfnEmailAddress help;
  static Template template;

  /** One stack with both constructs as a Java user writes them, synthesized once. */
  @BeforeAll
  static void synthesize() {
    stack = new Stack(new App(), "Aliases", StackProps.builder().env(ENV).build());

    desktop = ConnectionAlias.Builder.create(stack, "Desktop")
        .connectionString("desktop.example.com")
        .directoryId("d-1234567890")
        .sharedAccountId("210987654321")
        .removalPolicy(RemovalPolicy.RETAIN)
        .build();
    Tags.of(desktop).add("team", "euc");
    Tags.of(stack).add("project", "java");

    sales = EmailAddressAlias.Builder.create(stack, "Sales")
        .instanceId(INSTANCE_ID)
        .emailAddressId(PRIMARY_ID)
        .aliasEmailAddressId(ALIAS_ID)
        .build();

    support = CfnEmailAddress.Builder.create(stack, "Support")
        .instanceArn(INSTANCE_ARN).emailAddress("support@example.my.connect.aws").build();
    help = CfnEmailAddress.Builder.create(stack, "Help")
        .instanceArn(INSTANCE_ARN).emailAddress("help@example.my.connect.aws").build();
    EmailAddressAlias.between(stack, "HelpToSupport", EmailAddressAliasBetweenProps.builder().primary(support).alias(help).build());

    template = Template.fromStack(stack);
  }

  static Stack freshStack() {
    return new Stack(new App(), "Stack", StackProps.builder().env(ENV).build());
  }

  /** The logical id of the one resource of `type` with these properties. */
  static String logicalIdOf(String type, Map<String, Object> properties) {
    Map<String, Map<String, Object>> found = template.findResources(type, Map.of("Properties", properties));
    assertEquals(1, found.size(), "expected one " + type + " with " + properties + ", found " + found.keySet());
    return found.keySet().iterator().next();
  }

  /** Asserts that `action` throws an error from the library whose message matches `pattern`. */
  static void assertFailsWith(String pattern, Executable action) {
    RuntimeException error = assertThrows(RuntimeException.class, action);
    assertTrue(Pattern.compile(pattern).matcher(error.getMessage()).find(),
        "expected a message matching " + pattern + ", got: " + error.getMessage());
  }

  @Test
  void resourceTypes() {
    template.resourceCountIs("Custom::WorkSpacesConnectionAlias", 1);
    template.resourceCountIs("Custom::ConnectEmailAddressAlias", 2);
    // One handler function per kind of alias, however many constructs use it.
    Map<String, Map<String, Object>> handlers = template.findResources("AWS::Lambda::Function",
        Map.of("Properties", Map.of("Handler", "index.handler", "Runtime", "nodejs24.x", "Timeout", 600)));
    assertEquals(2, handlers.size());
  }

  @Test
  void connectionAliasPropertiesTagsAndRetain() {
    template.hasResource("Custom::WorkSpacesConnectionAlias", Map.of(
        "Properties", Map.of(
            "ServiceToken", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("ConnectionAliasProvider"), "Arn")),
            "ConnectionString", "desktop.example.com",
            "DirectoryId", "d-1234567890",
            "SharedAccountId", "210987654321",
            // Tags.of() on the construct and on the stack, rendered sorted by key.
            "Tags", List.of(Map.of("Key", "project", "Value", "java"), Map.of("Key", "team", "Value", "euc"))),
        "DeletionPolicy", "Retain",
        "UpdateReplacePolicy", "Retain"));
  }

  @Test
  void emailAddressAliasById() {
    template.hasResource("Custom::ConnectEmailAddressAlias", Map.of(
        "Properties", Map.of(
            "ServiceToken", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("EmailAddressAliasProvider"), "Arn")),
            "InstanceId", INSTANCE_ID,
            "EmailAddressId", PRIMARY_ID,
            "AliasEmailAddressId", ALIAS_ID),
        "DeletionPolicy", "Delete"));
  }

  @Test
  void emailAddressAliasBetweenCfnEmailAddresses() {
    template.hasResource("Custom::ConnectEmailAddressAlias", Map.of(
        "Properties", Map.of(
            "InstanceId", INSTANCE_ARN,
            "EmailAddressId", Map.of("Fn::GetAtt", List.of(stack.getLogicalId(support), "EmailAddressArn")),
            "AliasEmailAddressId", Map.of("Fn::GetAtt", List.of(stack.getLogicalId(help), "EmailAddressArn"))),
        "DeletionPolicy", "Delete"));
  }

  @Test
  void attributesAreTheCustomResourcesOutputs() {
    String alias = logicalIdOf("Custom::WorkSpacesConnectionAlias", Map.of());
    assertEquals(Map.of("Fn::GetAtt", List.of(alias, "AliasId")), stack.resolve(desktop.getAliasId()));
    assertEquals(Map.of("Fn::GetAtt", List.of(alias, "ConnectionIdentifier")), stack.resolve(desktop.getConnectionIdentifier()));
    String link = logicalIdOf("Custom::ConnectEmailAddressAlias", Map.of("EmailAddressId", PRIMARY_ID));
    assertEquals(Map.of("Fn::GetAtt", List.of(link, "AliasEmailAddressId")), stack.resolve(sales.getAliasEmailAddressId()));
  }

  @Test
  void badConnectionAliasPropsThrowNamingTheProperty() {
    assertFailsWith("Stack/Bad: connectionString must be 1-255 characters of letters, digits, '\\.' and '-'.*got 'desk top\\.example\\.com'",
        () -> ConnectionAlias.Builder.create(freshStack(), "Bad").connectionString("desk top.example.com").build());
    assertFailsWith("Stack/Bad: sharedAccountId must be a 12-digit AWS account id, got '12345'",
        () -> ConnectionAlias.Builder.create(freshStack(), "Bad").connectionString("a.example.com").sharedAccountId("12345").build());
    assertFailsWith("Stack/Bad: removalPolicy must be RemovalPolicy\\.DESTROY or RemovalPolicy\\.RETAIN",
        () -> ConnectionAlias.Builder.create(freshStack(), "Bad").connectionString("a.example.com").removalPolicy(RemovalPolicy.SNAPSHOT).build());
    assertFailsWith("Stack/Imported: connectionAliasId must match \\^wsca-\\[0-9a-z\\]\\{8,63\\}\\$, got 'alias-1'",
        () -> ConnectionAlias.fromConnectionAliasId(freshStack(), "Imported", "alias-1"));
  }

  @Test
  void badEmailAddressAliasPropsThrowNamingTheProperty() {
    assertFailsWith("Stack/Bad: aliasEmailAddressId must differ from emailAddressId",
        () -> EmailAddressAlias.Builder.create(freshStack(), "Bad")
            .instanceId(INSTANCE_ID).emailAddressId(PRIMARY_ID).aliasEmailAddressId(PRIMARY_ID).build());
  }

  @Test
  void aMissingRequiredPropertyIsRefusedByTheBinding() {
    // The generated builder checks required properties before anything reaches the library.
    NullPointerException error = assertThrows(NullPointerException.class,
        () -> ConnectionAlias.Builder.create(freshStack(), "Missing").build());
    assertTrue(error.getMessage().contains("connectionString"), error.getMessage());
  }

  @Test
  void synthTimeRulesThrowAtSynth() {
    // Tags arrive through Aspects, so a reserved key is caught when the stack is synthesized.
    Stack fresh = freshStack();
    ConnectionAlias alias = ConnectionAlias.Builder.create(fresh, "Alias").connectionString("a.example.com").build();
    Tags.of(alias).add("cdk-aliases:owner", "me");
    assertFailsWith("the key 'cdk-aliases:owner' is reserved", () -> Template.fromStack(fresh));
  }

  @Test
  void assertionsFailOnAMismatch() {
    // Guards the checks above: a failed match throws instead of passing silently.
    Template other = Template.fromJSON(Map.of("Resources",
        Map.of("R", Map.of("Type", "Custom::WorkSpacesConnectionAlias", "Properties", Map.of("A", 1)))));
    assertFailsWith("none match", () -> other.hasResourceProperties("Custom::WorkSpacesConnectionAlias", Map.of("A", 2)));
  }
}
