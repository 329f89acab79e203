"""IP network functions (Terraform's lang/funcs/cidr.go) over Python's ipaddress."""
from __future__ import annotations

import ipaddress
from typing import Any

from generator.read.tffuncs.core import FunctionError, t_number, t_string
from generator.read.tffuncs.registry import function


def _network(prefix: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(prefix, strict=False)
    except ValueError as err:
        raise FunctionError(f"invalid CIDR expression: {err}") from None


def _whole(value: Any, what: str) -> int:
    if isinstance(value, float):
        raise FunctionError(f"{what}: value must be a whole number")
    return value


def _host(net: Any, num: int) -> str:
    size = net.num_addresses
    if num < 0:
        num += size
    if not 0 <= num < size:
        raise FunctionError(f"prefix of {net.prefixlen} does not accommodate a host numbered {num}")
    return str(net.network_address + num)


@function("cidrhost", ("prefix", t_string), ("hostnum", t_number))
def cidrhost(prefix: str, hostnum: Any) -> str:
    return _host(_network(prefix), _whole(hostnum, "hostnum"))


@function("cidrnetmask", ("prefix", t_string))
def cidrnetmask(prefix: str) -> str:
    net = _network(prefix)
    if net.version != 4:
        raise FunctionError("only IPv4 networks are supported")
    return str(net.netmask)


def _subnet(net: Any, newbits: int, num: int) -> Any:
    new_len = net.prefixlen + newbits
    if newbits < 0 or new_len > net.max_prefixlen:
        raise FunctionError(f"insufficient address space to extend prefix of {net.prefixlen} by {newbits}")
    if num < 0 or num >= 1 << newbits:
        raise FunctionError(f"prefix extension of {newbits} does not accommodate a subnet numbered {num}")
    base = int(net.network_address) + (num << (net.max_prefixlen - new_len))
    return ipaddress.ip_network((base, new_len))


@function("cidrsubnet", ("prefix", t_string), ("newbits", t_number), ("netnum", t_number))
def cidrsubnet(prefix: str, newbits: Any, netnum: Any) -> str:
    net = _network(prefix)
    return str(_subnet(net, _whole(newbits, "newbits"), _whole(netnum, "netnum")))


@function("cidrsubnets", ("prefix", t_string), variadic=("newbits", t_number))
def cidrsubnets(prefix: str, *newbits: Any) -> list[str]:
    net = _network(prefix)
    out: list[str] = []
    nxt = int(net.network_address)
    end = int(net.broadcast_address)
    for i, bits in enumerate(newbits):
        bits = _whole(bits, "newbits")
        if bits < 1:
            raise FunctionError("must extend prefix by at least one bit")
        new_len = net.prefixlen + bits
        if new_len > net.max_prefixlen:
            raise FunctionError(f"would extend prefix to {new_len} bits, which is too long for an "
                                f"IPv{net.version} address")
        step = 1 << (net.max_prefixlen - new_len)
        start = -(-nxt // step) * step          # align up to the new subnet size
        if start + step - 1 > end:
            raise FunctionError(f"not enough remaining address space for a subnet with a prefix of "
                                f"{new_len} bits after {out[-1] if out else prefix}")
        out.append(str(ipaddress.ip_network((start, new_len))))
        nxt = start + step
        _ = i
    return out
