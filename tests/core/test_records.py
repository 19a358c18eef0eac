"""core.records: `@record` behaves as `@dataclass` does for what the status path uses."""

import dataclasses

import pytest
from openclaw_onboard.core.records import FrozenRecordError, factory, record, replace


@pytest.mark.parametrize("frozen", [False, True])
@pytest.mark.parametrize("slots", [False, True])
def test_record_matches_dataclass(frozen: bool, slots: bool) -> None:
    @dataclasses.dataclass(frozen=frozen, slots=slots)
    class Point:
        x: int
        y: int = 2
        tags: list[str] = dataclasses.field(default_factory=list)

    @record(frozen=frozen, slots=slots)
    class Rec:
        x: int
        y: int = 2
        tags: list[str] = factory(list)

    for args, kwargs in (((1,), {}), ((1, 5), {}), ((), {"x": 3, "tags": ["a"]}), ((1,), {"y": 0})):
        d, r = Point(*args, **kwargs), Rec(*args, **kwargs)
        assert repr(r) == repr(d).replace("Point", "Rec")
        assert (r.x, r.y, r.tags) == (d.x, d.y, d.tags)
        assert r == Rec(*args, **kwargs) and r != Rec(99)
    assert Rec(1).tags is not Rec(1).tags  # a fresh default each time
    assert hasattr(Rec(1), "__dict__") is (not slots)
    if frozen:
        assert hash(Rec(1, tags=("a",))) == hash(Rec(1, tags=("a",))) == hash(Point(1, tags=("a",)))
        with pytest.raises(FrozenRecordError):
            Rec(1).x = 2
        with pytest.raises(AttributeError):
            Point(1).x = 2
    else:
        with pytest.raises(TypeError):
            hash(Rec(1))
        r = Rec(1)
        r.x = 7
        assert r.x == 7
    with pytest.raises(TypeError):
        Rec()  # x is required
    assert replace(Rec(1, 5), y=6) == Rec(1, 6)
    with pytest.raises(TypeError):
        replace(Rec(1), z=1)


def test_post_init_runs_after_the_fields_are_set() -> None:
    @record(frozen=True)
    class Checked:
        name: str

        def __post_init__(self) -> None:
            if not self.name:
                raise ValueError("empty")

    assert Checked("a").name == "a"
    with pytest.raises(ValueError, match="empty"):
        Checked("")


def test_a_required_field_after_a_default_is_refused() -> None:
    with pytest.raises(TypeError, match="non-default field 'b'"):
        @record
        class Bad:
            a: int = 1
            b: int


def test_importing_records_does_not_import_dataclasses_or_inspect() -> None:
    import subprocess
    import sys

    code = ("import sys; import openclaw_onboard.core.records\n"
            "print(sorted(m for m in ('dataclasses', 'inspect', 'typing') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
