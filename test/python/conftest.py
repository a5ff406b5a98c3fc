"""Settings for the Python binding's tests; run them with scripts/test-python.sh."""
import os

# Set before aws_cdk is imported: the jsii kernel (a Node process) inherits the environment when it starts.
# The built-in CloudFormation validation of newer aws-cdk-lib versions costs time and memory on every synth
# and is not what these tests check.
os.environ.setdefault("CDK_VALIDATION", "false")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
