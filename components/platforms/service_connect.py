"""What service connect gives a ContainerWorkload on every platform: an alias -> URL per
service-connect event, and the variables `connect_to` hands the workloads that call it."""

from components.platforms.names import env_name
from components.spec.container_workload.workload import ContainerWorkloadSpec


def service_connect_urls(spec: ContainerWorkloadSpec) -> dict[str, str]:
    """alias -> URL of every service-connect port, as other workloads of the cluster call it."""
    return {
        event.alias: f"{'grpc' if event.protocol == 'grpc' else 'http'}://{event.alias}:{event.container_port}"
        for _, event in spec.service_connect_ports
    }


def service_connect_environment(spec: ContainerWorkloadSpec) -> dict[str, str]:
    """`STP_<WORKLOAD>_<CONTAINER>_<PORT>_URL` -> URL: what a workload that `connect_to`s `spec` gets."""
    urls = service_connect_urls(spec)
    return {
        env_name(spec.resource_name, container.name, event.container_port, "url"): urls[event.alias]
        for container, event in spec.service_connect_ports
    }
