"""The record ↔ row mapping of every table of the package, declared once (:data:`CODECS`).

Each table's :class:`Codec` lists its columns (:class:`Col`): the field's name in the package, the
model's column, the conversion a record value takes on its way into a row and the one a column value
takes on its way into a record. Whether a field is required or nullable is not repeated here: it is
the field's own spec in :data:`station_app.domain.package.SPECS` (the one the record checks and the
JSON Schemas come from), looked up by name. From the columns come

- the columns the export selects and the merge writes, in one order (:attr:`Codec.select_columns`,
  :attr:`Codec.row_columns`, :attr:`Codec.fields`),
- the export's record builder (:attr:`Codec.to_record`: column values → the JSON object, its keys in
  the order of the spec) and the import's row builder (:attr:`Codec.to_row`: record → row tuple in
  the order of :attr:`Codec.row_columns`). Both are compiled once from the columns into one plain
  function each (a tuple unpacking, a dict or tuple display): as fast as writing them out by hand,
  without the 20-field tuples that break silently when a column moves.

:func:`mismatches` says where a codec, its model and the package spec disagree (a model column no
codec writes, a package field no column carries, a nullable field stored in a NOT NULL column with
no conversion of null); it runs on import of this module and in tests/unit/test_exchange_codecs.py.

The spec lives here, not in domain/package.py, because it names the models' columns; the package's
own field specs (types, codes, lengths) stay in domain/package.py, which knows no database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import orjson

from station_app.db.models import (
    ActivityDay,
    Attendance,
    BaseModel,
    Case,
    CaseEvent,
    Deputy,
    Duty,
    DutyRecord,
    LivelihoodInspection,
    LivelihoodMilestone,
    LivelihoodProject,
    LivelihoodRating,
    LivelihoodSession,
    LivelihoodVote,
    Reception,
)
from station_app.domain import package as pk
from station_app.domain.codes import levels_to_mask, mask_to_levels

# --- conversions ----------------------------------------------------------------------------------


def ts(v):
    """A record's time → the stored form. Our own stored form (the checks make sure a value of this
    shape is one) passes as it is."""
    if v is None or (len(v) == 32 and v[19] == "." and v[26:] == "+08:00"):
        return v
    return pk.normalize_ts(v)


def text(v) -> str:
    """A nullable text of the package → a NOT NULL text column ("" for null)."""
    return "" if v is None else v


def flag(v) -> bool:
    """A boolean column (SQLite gives 0/1) → JSON true/false."""
    return bool(v)


def levels_to_record(mask) -> list[str]:
    """A level bit mask → the package's list of level codes, in :class:`Level` order (null → none)."""
    return [lv.value for lv in mask_to_levels(mask or 0)]


def list_to_column(v) -> str:
    """A list of the package → its JSON text column (sorted keys, no spaces: the stored form, the
    text ``json.dumps(v, ensure_ascii=False, separators=(",", ":"), sort_keys=True)`` gives, by
    orjson at a fraction of the time)."""
    return orjson.dumps(v or [], option=orjson.OPT_SORT_KEYS).decode()


def list_to_record(v) -> list:
    """A JSON text column → the package's list (empty text or null → an empty list)."""
    return orjson.loads(v) if v else []


# --- the spec -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    """One column. ``key`` is the field's name in the package (None: a column the package does not
    carry, an argument of the row builder, e.g. a reception's ``sort_key``); ``column`` the model's
    column (default: ``key``); ``to_row`` / ``to_record`` the conversions (None: as it is);
    ``default`` the value an optional field takes when a record leaves it out."""

    key: str | None
    column: str = ""
    to_row: Callable | None = None
    to_record: Callable | None = None
    default: object = None

    @property
    def name(self) -> str:
        """The database column: ``column`` when given, else the package field's ``key``."""
        return self.column or self.key or ""


COMMON = (Col("uid"), Col("station_code"), Col("created_at", to_row=ts), Col("updated_at", to_row=ts),
          Col("deleted_at", to_row=ts))


@dataclass(frozen=True)
class Codec:
    """A table of the package and its model. ``fields`` are the package's field specs the record
    follows (default: ``SPECS[table]``); ``computed`` the fields no column carries (``finish(record,
    ctx)`` fills them on export; the merge derives its own rows from them); ``prepare(record)`` runs
    before a row is built (e.g. the minutes' four parts from one text) and always fills the fields
    ``prepared``."""

    table: str
    model: type[BaseModel]
    cols: tuple[Col, ...]
    computed: tuple[str, ...] = ()
    prepare: Callable[[dict], dict] | None = None
    finish: Callable[[dict, dict], None] | None = None
    prepared: tuple[str, ...] = ()  # the fields ``prepare`` always fills
    spec: tuple[pk.F, ...] | None = None
    to_row: Callable = field(init=False, repr=False, compare=False)
    to_record: Callable = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "to_row", _compile_to_row(self))
        object.__setattr__(self, "to_record", _compile_to_record(self))

    @property
    def package_fields(self) -> tuple[pk.F, ...]:
        """The package's field specs this codec follows: ``spec`` when given, else ``SPECS[table]``."""
        return self.spec if self.spec is not None else pk.SPECS[self.table]

    def field_spec(self, key: str) -> pk.F | None:
        """The package's spec of field ``key``, or None when the spec has no such field."""
        return next((f for f in self.package_fields if f.name == key), None)

    @property
    def row_columns(self) -> tuple[str, ...]:
        """The columns of a row :attr:`to_row` builds, in order (what the merge inserts and updates)."""
        return tuple(c.name for c in self.cols)

    @property
    def select_columns(self) -> tuple[str, ...]:
        """The columns the export reads, in the order :attr:`to_record` takes them."""
        return tuple(c.name for c in self.cols if c.key is not None)

    @property
    def row_args(self) -> tuple[str, ...]:
        """The columns the package does not carry: :attr:`to_row`'s arguments after the record."""
        return tuple(c.name for c in self.cols if c.key is None)

    @property
    def fields(self) -> list:
        """The model's fields of :attr:`row_columns` (for ``bulk_insert``)."""
        return [self.model._meta.columns[c] for c in self.row_columns]


def _compile(name: str, source: str, namespace: dict) -> Callable:
    exec(compile(source, f"<exchange codec {name}>", "exec"), namespace)  # noqa: S102 - our own text
    return namespace[name]


def _compile_to_row(codec: Codec) -> Callable:
    """``to_row(record, *row_args) -> tuple``: one tuple display, the conversions inlined as calls."""
    ns: dict = {"_prepare": codec.prepare}
    parts = []
    for i, c in enumerate(codec.cols):
        if c.key is None:
            parts.append(c.name)
            continue
        f = codec.field_spec(c.key)
        if f is None or f.required:
            value = f"r[{c.key!r}]"
        else:
            ns[f"d{i}"] = c.default
            value = f"r.get({c.key!r}, d{i})"
        if c.to_row is ts:  # :func:`ts` inlined (five times a record: 2.5M calls in a 100k package)
            ns["_normalize_ts"] = pk.normalize_ts
            value = (f"(v if (v := {value}) is None or (len(v) == 32 and v[19] == '.' and v[26:] == '+08:00') "
                     "else _normalize_ts(v))")
        elif c.to_row is text:  # inlined too (a third of a record's values: 1.9M calls at 100k)
            value = f"('' if (v := {value}) is None else v)"
        elif c.to_row is not None:
            ns[f"c{i}"] = c.to_row
            value = f"c{i}({value})"
        parts.append(value)
    args = "".join(f", {a}" for a in codec.row_args)
    body = "    r = _prepare(r)\n" if codec.prepare is not None else ""
    source = f"def to_row(r{args}):\n{body}    return ({', '.join(parts)},)\n"
    return _compile("to_row", source, ns)


def _compile_to_record(codec: Codec) -> Callable:
    """``to_record(values, ctx) -> dict``: the values of :attr:`Codec.select_columns` unpacked, one
    dict display with the keys in the order of the package spec, then ``finish``."""
    ns: dict = {"_finish": codec.finish}
    by_key = {c.key: (i, c) for i, c in enumerate(codec.cols) if c.key is not None}
    names = [f"v{i}" for i, c in enumerate(codec.cols) if c.key is not None]
    items = []
    for f in codec.package_fields:
        if f.name in codec.computed:
            items.append(f"{f.name!r}: None")
            continue
        if f.name not in by_key:
            continue  # mismatches() names it
        i, c = by_key[f.name]
        value = f"v{i}"
        if c.to_record is not None:
            ns[f"c{i}"] = c.to_record
            value = f"c{i}({value})"
        items.append(f"{f.name!r}: {value}")
    unpack = f"    ({', '.join(names)},) = values\n"
    record = "{" + ", ".join(items) + "}"
    if codec.finish is None:
        source = f"def to_record(values, ctx):\n{unpack}    return {record}\n"
    else:
        source = f"def to_record(values, ctx):\n{unpack}    rec = {record}\n    _finish(rec, ctx)\n    return rec\n"
    return _compile("to_record", source, ns)


# --- the tables -----------------------------------------------------------------------------------


def _day_parts(r: dict) -> dict:
    """An activity day's minutes as our four parts (another implementation sends one text)."""
    return {**r, **pk.minutes_parts(r)}


def _day_finish(rec: dict, ctx: dict) -> None:
    duties = ctx["duties"].get(rec["uid"], [])
    rec["minutes"] = pk.minutes_text(rec)
    rec["duty_deputy_uids"] = [d["deputy_uid"] for d in duties if d["deleted_at"] is None]
    rec["duties"] = duties


CODECS: dict[str, Codec] = {
    "deputies": Codec("deputies", Deputy, COMMON + (
        Col("name"), Col("gender"), Col("ethnicity", to_row=text), Col("birth_date"), Col("party", to_row=text),
        Col("levels", "levels_mask", to_row=levels_to_mask, to_record=levels_to_record),
        Col("sector", to_row=text), Col("group", "group_name", to_row=text), Col("phone", to_row=text),
        Col("term", to_row=text), Col("active", to_record=flag), Col("photo"), Col("note", to_row=text),
        Col("commitment", to_row=text), Col("sort_order", default=0), Col("public_phone", to_row=text),
    )),
    "activity_days": Codec("activity_days", ActivityDay, COMMON + (
        Col("date"), Col("start_time"), Col("end_time"), Col("kind"), Col("theme", to_row=text),
        Col("place", to_row=text), Col("host", to_row=text), Col("status"),
        Col("agenda"), Col("discussion"), Col("decisions"), Col("follow_ups"),
        Col("origin", default="manual"), Col("original_date"), Col("change_reason", to_row=text),
    ), computed=("minutes", "duty_deputy_uids", "duties"), prepare=_day_parts,
       prepared=tuple(key for key, _label in pk.MINUTES_PARTS), finish=_day_finish),
    "attendances": Codec("attendances", Attendance, COMMON + (
        Col("activity_day_uid"), Col("deputy_uid"), Col("status"),
    )),
    "receptions": Codec("receptions", Reception, COMMON + (
        Col("received_at", to_row=ts), Col(None, "sort_key"), Col("channel"), Col("visitor_name"),
        Col("visitor_phone", to_row=text), Col("visitor_id_number", to_row=text), Col("village", to_row=text),
        Col("visitor_count"), Col("deputy_uids", to_row=list_to_column, to_record=list_to_record),
        Col("activity_day_uid"), Col("summary", to_row=text),
    )),
    "cases": Codec("cases", Case, COMMON + (
        Col("reception_uid"), Col("number"), Col("registered_at", to_row=ts), Col("category"), Col("content"),
        Col("handling"), Col("urgency", default="normal"), Col("department", to_row=text),
        Col("co_departments", to_row=list_to_column, to_record=list_to_record), Col("deadline"), Col("status"),
        Col("evaluation"), Col("rounds"), Col("resolved_at", to_row=ts),
    )),
    "case_events": Codec("case_events", CaseEvent, COMMON + (
        Col("case_uid"), Col("at", to_row=ts), Col("action"), Col("actor", to_row=text), Col("note", to_row=text),
        Col("round", default=1), Col("department", to_row=text), Col("deadline"), Col("evaluation"),
    )),
    "duty_records": Codec("duty_records", DutyRecord, COMMON + (
        Col("deputy_uid"), Col("date"), Col("indicator_code"), Col("quantity"), Col("points"), Col("source"),
        Col("source_uid"), Col("note", to_row=text), Col("evidence"), Col("verified", to_record=flag),
        Col("reviewer", to_row=text), Col("reviewed_at", to_row=ts),
    )),
    # 民生实事项目票决制 (v1.1, additive; docs/exchange-format.md §2.3)
    "livelihood_projects": Codec("livelihood_projects", LivelihoodProject, COMMON + (
        Col("year"), Col("title"), Col("description", to_row=text), Col("village", to_row=text),
        Col("estimated_cost"), Col("department", to_row=text), Col("source"), Col("status"), Col("registered_on"),
        Col("session_uid"), Col("budget"), Col("progress"), Col("completed_at", to_row=ts),
        Col("carried_from_uid"), Col("case_uids", to_row=list_to_column, to_record=list_to_record),
        Col("note", to_row=text),
    )),
    "livelihood_sessions": Codec("livelihood_sessions", LivelihoodSession, COMMON + (
        Col("date"), Col("meeting_name"), Col("deputies_total"),
        Col("present_deputy_uids", to_row=list_to_column, to_record=list_to_record),
        Col("project_uids", to_row=list_to_column, to_record=list_to_record), Col("quota"), Col("status"),
    )),
    "livelihood_votes": Codec("livelihood_votes", LivelihoodVote, COMMON + (
        Col("session_uid"), Col("project_uid"), Col("deputy_uid"), Col("choice"), Col("count_for"),
        Col("count_against"), Col("count_abstain"),
    )),
    "livelihood_milestones": Codec("livelihood_milestones", LivelihoodMilestone, COMMON + (
        Col("project_uid"), Col("title"), Col("planned_date"), Col("actual_date"), Col("note", to_row=text),
    )),
    "livelihood_inspections": Codec("livelihood_inspections", LivelihoodInspection, COMMON + (
        Col("activity_day_uid"), Col("project_uid"), Col("findings", to_row=text),
    )),
    "livelihood_ratings": Codec("livelihood_ratings", LivelihoodRating, COMMON + (
        Col("project_uid"), Col("deputy_uid"), Col("year"), Col("rating"), Col("rated_on"), Col("note", to_row=text),
    )),
}

# an activity day's duty rows (the ``duties`` objects of its record, §2.3 extension). The merge adds
# ``station_code`` and ``activity_day_uid`` to each object; the export groups by the day.
DUTY = Codec("duties", Duty, (
    Col("uid"), Col("station_code"), Col("created_at", to_row=ts), Col("updated_at", to_row=ts),
    Col("deleted_at", to_row=ts), Col("activity_day_uid"), Col("deputy_uid"), Col("manual", to_record=flag),
    Col("note", to_row=text),
), spec=pk.DUTY_ITEM)

# the codec of each model (by its table name)
BY_MODEL: dict[str, Codec] = {c.model._meta.table_name: c for c in (*CODECS.values(), DUTY)}

# columns a codec writes that the package's spec does not name (the duty objects omit what their day says)
_NOT_IN_SPEC = {"duties": {"station_code", "activity_day_uid"}}


def mismatches(codec: Codec) -> list[str]:
    """Where ``codec`` disagrees with its model or with the package spec (empty when it does not)."""
    out = []
    model_cols = set(codec.model._meta.columns) - {"id"}
    names = codec.row_columns
    if len(set(names)) != len(names):
        out.append(f"{codec.table}: a column is listed twice")
    for col in sorted(model_cols - set(names)):
        out.append(f"{codec.table}: model column {col} has no Col in the codec")
    for col in sorted(set(names) - model_cols):
        out.append(f"{codec.table}: Col {col} is not a column of {codec.model.__name__}")
    spec_names = [f.name for f in codec.package_fields]
    keys = {c.key for c in codec.cols if c.key is not None} - _NOT_IN_SPEC.get(codec.table, set())
    for key in sorted(keys - set(spec_names)):
        out.append(f"{codec.table}: Col {key} is not a field of the package spec")
    for key in spec_names:
        if key not in keys and key not in codec.computed:
            out.append(f"{codec.table}: package field {key} has no Col and is not computed")
    for c in codec.cols:
        f = codec.field_spec(c.key) if c.key else None
        if f is None or c.name not in codec.model._meta.columns:
            continue
        column_null = codec.model._meta.columns[c.name].null
        may_be_null = (f.nullable or (not f.required and c.default is None)) and c.key not in codec.prepared
        if may_be_null and not column_null and (c.to_row is None or c.to_row(None) is None):
            out.append(f"{codec.table}: {c.key} may be null in the package but {c.name} is NOT NULL "
                       "and no to_row conversion turns null into a value")
        if column_null and not f.nullable:
            out.append(f"{codec.table}: {c.name} may be NULL in the database but {c.key} may not be null "
                       "in the package")
    return out


_wrong = [m for c in (*CODECS.values(), DUTY) for m in mismatches(c)]
if _wrong:  # pragma: no cover - a spec typo; tests/unit/test_exchange_codecs.py names it
    raise AssertionError("; ".join(_wrong))
