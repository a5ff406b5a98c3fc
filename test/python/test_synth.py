"""cdk-aliases used from Python: the wheel that jsii-pacmak builds, beside aws-cdk-lib for Python.

Run by scripts/test-python.sh in a fresh virtual environment. Each test synthesizes with the real library
(through the jsii kernel), so what is checked here is what a Python user gets.
"""
import sys
from pathlib import Path
from types import SimpleNamespace

import aws_cdk as cdk
import pytest
from aws_cdk import aws_connect as connect
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Match, Template

import cdk_aliases
from cdk_aliases import ConnectionAlias, EmailAddressAlias

ENV = cdk.Environment(account="111111111111", region="us-east-1")
INSTANCE_ID = "11111111-2222-3333-4444-555555555555"
INSTANCE_ARN = f"arn:aws:connect:us-east-1:111111111111:instance/{INSTANCE_ID}"
PRIMARY_ID = "aaaaaaaa-0000-0000-0000-000000000001"
ALIAS_ID = "aaaaaaaa-0000-0000-0000-000000000002"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """One app with both constructs as a Python user writes them, synthesized once."""
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("cdk.out")))
    stack = cdk.Stack(app, "Aliases", env=ENV)

    desktop = ConnectionAlias(
        stack,
        "Desktop",
        connection_string="desktop.example.com",
        directory_id="d-1234567890",
        shared_account_id="210987654321",
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
    cdk.Tags.of(desktop).add("team", "euc")
    cdk.Tags.of(stack).add("project", "python")

    sales = EmailAddressAlias(
        stack, "Sales", instance_id=INSTANCE_ID, email_address_id=PRIMARY_ID, alias_email_address_id=ALIAS_ID
    )

    support = connect.CfnEmailAddress(
        stack, "Support", instance_arn=INSTANCE_ARN, email_address="support@example.my.connect.aws"
    )
    help_ = connect.CfnEmailAddress(stack, "Help", instance_arn=INSTANCE_ARN, email_address="help@example.my.connect.aws")
    help_to_support = EmailAddressAlias.between(stack, "HelpToSupport", primary=support, alias=help_)

    return SimpleNamespace(
        app=app,
        stack=stack,
        desktop=desktop,
        sales=sales,
        support=support,
        help=help_,
        help_to_support=help_to_support,
        template=Template.from_stack(stack),
    )


@pytest.fixture
def stack(tmp_path):
    """A fresh stack, for tests that expect an error."""
    return cdk.Stack(cdk.App(outdir=str(tmp_path)), "Stack", env=ENV)


def logical_id_of(template: Template, resource_type: str, **properties) -> str:
    found = template.find_resources(resource_type, {"Properties": properties} if properties else None)
    assert len(found) == 1, f"expected one {resource_type} with {properties}, found {sorted(found)}"
    return next(iter(found))


def test_the_library_is_the_installed_wheel():
    # The clone's sources are not on sys.path: this is the package pip installed into the test environment.
    assert Path(cdk_aliases.__file__).resolve().is_relative_to(Path(sys.prefix).resolve())


def test_resource_types(app):
    app.template.resource_count_is("Custom::WorkSpacesConnectionAlias", 1)
    app.template.resource_count_is("Custom::ConnectEmailAddressAlias", 2)
    app.template.resource_count_is("AWS::Connect::EmailAddress", 2)
    # One handler function per kind of alias, however many constructs use it.
    handlers = app.template.find_resources(
        "AWS::Lambda::Function", {"Properties": {"Handler": "index.handler", "Runtime": "nodejs24.x", "Timeout": 600}}
    )
    assert len(handlers) == 2


def test_connection_alias_properties_tags_and_retain(app):
    app.template.has_resource(
        "Custom::WorkSpacesConnectionAlias",
        {
            "Properties": {
                "ServiceToken": {"Fn::GetAtt": [Match.string_like_regexp("ConnectionAliasProvider"), "Arn"]},
                "ConnectionString": "desktop.example.com",
                "DirectoryId": "d-1234567890",
                "SharedAccountId": "210987654321",
                # Tags.of() on the construct and on the stack, rendered sorted by key.
                "Tags": [{"Key": "project", "Value": "python"}, {"Key": "team", "Value": "euc"}],
            },
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )


def test_email_address_alias_by_id(app):
    app.template.has_resource(
        "Custom::ConnectEmailAddressAlias",
        {
            "Properties": {
                "ServiceToken": {"Fn::GetAtt": [Match.string_like_regexp("EmailAddressAliasProvider"), "Arn"]},
                "InstanceId": INSTANCE_ID,
                "EmailAddressId": PRIMARY_ID,
                "AliasEmailAddressId": ALIAS_ID,
            },
            "DeletionPolicy": "Delete",
        },
    )


def test_email_address_alias_between_cfn_email_addresses(app):
    support = app.stack.get_logical_id(app.support)
    help_ = app.stack.get_logical_id(app.help)
    app.template.has_resource(
        "Custom::ConnectEmailAddressAlias",
        {
            "Properties": {
                "InstanceId": INSTANCE_ARN,
                "EmailAddressId": {"Fn::GetAtt": [support, "EmailAddressArn"]},
                "AliasEmailAddressId": {"Fn::GetAtt": [help_, "EmailAddressArn"]},
            },
            "DeletionPolicy": "Delete",
        },
    )


def test_attributes_are_the_custom_resources_outputs(app):
    desktop = logical_id_of(app.template, "Custom::WorkSpacesConnectionAlias")
    assert app.stack.resolve(app.desktop.alias_id) == {"Fn::GetAtt": [desktop, "AliasId"]}
    assert app.stack.resolve(app.desktop.connection_identifier) == {"Fn::GetAtt": [desktop, "ConnectionIdentifier"]}
    sales = logical_id_of(app.template, "Custom::ConnectEmailAddressAlias", EmailAddressId=PRIMARY_ID)
    assert app.stack.resolve(app.sales.alias_email_address_id) == {"Fn::GetAtt": [sales, "AliasEmailAddressId"]}


def test_connect_permissions_are_scoped_to_the_named_instances(app):
    policies = app.template.find_resources(
        "AWS::IAM::Policy", {"Properties": {"PolicyName": Match.string_like_regexp("EmailAddressAliasProviderHandler")}}
    )
    assert len(policies) == 1
    statements = next(iter(policies.values()))["Properties"]["PolicyDocument"]["Statement"]
    # The declared instances' addresses may be read and associated; elsewhere only what this stack marked.
    actions = ["connect:DescribeEmailAddress", "connect:AssociateEmailAddressAlias"]
    resources = [s["Resource"] for s in statements if s["Action"] == actions and "Condition" not in s]
    assert f"{INSTANCE_ARN}/email-address/*" in resources
    assert {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, f":connect:us-east-1:111111111111:instance/{INSTANCE_ID}/email-address/*"],
        ]
    } in resources


def test_bundled_handlers_reach_the_cloud_assembly(app):
    # The handlers are bundled into the npm package, which the wheel carries: synth needs no esbuild or Docker.
    assembly = Path(app.app.synth().directory)
    handlers = app.template.find_resources("AWS::Lambda::Function", {"Properties": {"Handler": "index.handler"}})
    assert len(handlers) == 2
    for handler in handlers.values():
        asset_hash = handler["Properties"]["Code"]["S3Key"].removesuffix(".zip")
        code = assembly / f"asset.{asset_hash}" / "index.js"
        assert code.is_file(), f"{code} is missing"
        assert code.stat().st_size > 10_000


def test_from_connection_alias_id(stack):
    imported = ConnectionAlias.from_connection_alias_id(stack, "Imported", "wsca-abcdefgh12")
    role = iam.Role(stack, "Role", assumed_by=iam.AccountRootPrincipal())
    imported.grant(role, "workspaces:AssociateConnectionAlias")

    assert imported.alias_id == "wsca-abcdefgh12"
    arn = {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, ":workspaces:us-east-1:111111111111:connectionalias/wsca-abcdefgh12"],
        ]
    }
    assert stack.resolve(imported.alias_arn) == arn
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {"PolicyDocument": {"Statement": [{"Action": "workspaces:AssociateConnectionAlias", "Effect": "Allow", "Resource": arn}]}},
    )
    template.resource_count_is("Custom::WorkSpacesConnectionAlias", 0)


def test_from_connection_alias_id_rejects_a_malformed_id(stack):
    with pytest.raises(RuntimeError, match=r"Stack/Imported: connectionAliasId must match \^wsca-\[0-9a-z\]\{8,63\}\$, got 'alias-1'"):
        ConnectionAlias.from_connection_alias_id(stack, "Imported", "alias-1")


@pytest.mark.parametrize(
    ("props", "message"),
    [
        (
            {"connection_string": "desk top.example.com"},
            r"Stack/Bad: connectionString must be 1-255 characters of letters, digits, '\.' and '-'.*got 'desk top\.example\.com'",
        ),
        (
            {"connection_string": "desktop..example.com"},
            r"Stack/Bad: connectionString must be a valid DNS name",
        ),
        (
            {"connection_string": "a.example.com", "shared_account_id": "12345"},
            r"Stack/Bad: sharedAccountId must be a 12-digit AWS account id, got '12345'",
        ),
        (
            {"connection_string": "a.example.com", "directory_id": "d-XYZ"},
            r"Stack/Bad: directoryId must be a WorkSpaces directory id",
        ),
        (
            {"connection_string": "a.example.com", "removal_policy": cdk.RemovalPolicy.SNAPSHOT},
            r"Stack/Bad: removalPolicy must be RemovalPolicy\.DESTROY or RemovalPolicy\.RETAIN",
        ),
    ],
    ids=["connection_string-pattern", "connection_string-dns", "shared_account_id", "directory_id", "removal_policy"],
)
def test_bad_connection_alias_props_raise_naming_the_property(stack, props, message):
    with pytest.raises(RuntimeError, match=message):
        ConnectionAlias(stack, "Bad", **props)


def test_bad_email_address_alias_props_raise_naming_the_property(stack):
    with pytest.raises(RuntimeError, match=r"Stack/Bad: aliasEmailAddressId must differ from emailAddressId"):
        EmailAddressAlias(stack, "Bad", instance_id=INSTANCE_ID, email_address_id=PRIMARY_ID, alias_email_address_id=PRIMARY_ID)
    with pytest.raises(RuntimeError, match=r"Stack/Arn: emailAddressId belongs to instance other, but instanceId is " + INSTANCE_ID):
        EmailAddressAlias(
            stack,
            "Arn",
            instance_id=INSTANCE_ID,
            email_address_id=f"arn:aws:connect:us-east-1:111111111111:instance/other/email-address/{PRIMARY_ID}",
            alias_email_address_id=ALIAS_ID,
        )


def test_wrong_python_types_are_refused_before_reaching_the_library(stack):
    with pytest.raises(TypeError, match=r"connection_string must be str"):
        ConnectionAlias(stack, "Typed", connection_string=42)


def test_synth_time_rules_raise_at_synth(stack):
    # Tags arrive through Aspects, so a reserved key is caught when the stack is synthesized.
    alias = ConnectionAlias(stack, "Alias", connection_string="a.example.com")
    cdk.Tags.of(alias).add("cdk-aliases:owner", "me")
    with pytest.raises(RuntimeError, match=r"the key 'cdk-aliases:owner' is reserved"):
        Template.from_stack(stack)


def test_connect_rules_across_constructs_name_both(stack):
    EmailAddressAlias(stack, "First", instance_id=INSTANCE_ID, email_address_id=PRIMARY_ID, alias_email_address_id=ALIAS_ID)
    EmailAddressAlias(
        stack,
        "Second",
        instance_id=INSTANCE_ID,
        email_address_id=PRIMARY_ID,
        alias_email_address_id="aaaaaaaa-0000-0000-0000-000000000003",
    )
    with pytest.raises(RuntimeError, match=r"'Stack/Second' and 'Stack/First' give the same primary address two aliases"):
        Template.from_stack(stack)


def test_assertions_module_is_the_real_one():
    # Guards the checks above: a failed match raises instead of passing silently.
    template = Template.from_json({"Resources": {"R": {"Type": "Custom::WorkSpacesConnectionAlias", "Properties": {"A": 1}}}})
    with pytest.raises(RuntimeError, match=r"none match"):
        template.has_resource_properties("Custom::WorkSpacesConnectionAlias", {"A": 2})
