"""The engines a manifest opens: one PortSpec per runtime (a Lua port: each
lupa runtime it names; any other language: its own process), opened by
registry.open_engine once per process."""
import dataclasses
from dataclasses import dataclass

__all__ = ["PortSpec", "port_specs", "open_port"]


@dataclass(frozen=True)
class PortSpec:
    """One runtime of a user's port, as an engine to open."""
    manifest: object             # an engines.manifest.Manifest
    runtime: str                 # the lupa runtime, or the port's name for a command port
    budget: object = None        # fixed here, or None: a port's budget on its runtime
    backward_calls: int = 1      # 2: every program runs backward twice (a probe's)

    @property
    def name(self):
        return self.runtime

    @property
    def key(self):
        return ("port", str(self.manifest.path), self.runtime, getattr(self.budget, "name", None),
                self.backward_calls)

    weight = 1.0

    def twice(self):
        """The same runtime with backward called twice per program."""
        return dataclasses.replace(self, backward_calls=2)

    def open(self):
        manifest = self.manifest
        if manifest.language == "command":
            from .command import open_command_port
            return open_command_port(manifest, backward_calls=self.backward_calls,
                                     budget=self.budget)[0]
        if self.backward_calls != 1:
            manifest = dataclasses.replace(
                manifest, backward="\n".join([manifest.backward] * self.backward_calls))
        from .lua import open_lua_port
        return open_lua_port(manifest, [self.runtime],
                             (lambda _: self.budget) if self.budget else None)[0]


def port_specs(manifest, runtimes=None, budget=None):
    """A PortSpec per runtime of the manifest's port: for a Lua port, the
    runtimes asked (default: all it names); a command port is one, its own
    process.  budget(runtime): fix each one's budget (default: a port's)."""
    if manifest.language == "command":
        return [PortSpec(manifest, manifest.name, budget(manifest.name) if budget else None)]
    if manifest.language == "lua":
        unknown = [r for r in runtimes or () if r not in manifest.runtimes]
        if unknown:
            raise ValueError(f"{manifest.shown}: the port does not name runtime "
                             f"{', '.join(unknown)} (it names {', '.join(manifest.runtimes)})")
        return [PortSpec(manifest, r, budget(r) if budget else None)
                for r in runtimes or manifest.runtimes]
    raise ValueError(f"{manifest.shown}: unknown language {manifest.language!r}")


def open_port(manifest, runtimes=None):
    """The port's engines, opened here (the caller closes each)."""
    return [spec.open() for spec in port_specs(manifest, runtimes)]
