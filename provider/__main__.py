"""The component provider's entry point: Pulumi runs `python -u provider ...` (PulumiPlugin.yaml here).

A folder of its own, because Pulumi refuses a folder with both Pulumi.yaml and PulumiPlugin.yaml.
"""

from components.provider import serve

if __name__ == "__main__":
    serve()
