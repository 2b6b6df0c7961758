"""ContainerWorkload argument validation (Stacktape's multi-container-workload in snake_case), by
concern: one test file per module of `components/spec/container_workload/`.

Bad input: one InvalidArgumentError naming the component, the exact field and what is allowed, with
the allowed values written out here by hand (from AWS's and Stacktape's documentation), not copied
from the code. Good input: every snippet of the Stacktape page, translated, parses to what it says.
"""
