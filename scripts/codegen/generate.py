#!/usr/bin/env python3
"""Generates Latchkey's typed operation declarations from the vendored AWS service models.

Reads the botocore models (`Tests/LatchkeyModelTests/Fixtures/{sts-2011-06-15,iam-2010-05-08}.json`, unmodified
copies of `../shared/reference/service-models/`) and `scripts/codegen/operations.json` (which operations Latchkey
serves, each one's access and area, and the few places where Latchkey deliberately differs from the model), and
writes:

- `Sources/LatchkeyModel/Generated/`: for every operation `XInput` (an `OperationInput`: members, memberwise init,
  `init(decoding:)` from a validated `QueryInput`, `queryParameters` for the client, `static let operation`) and
  `XOutput` (an `OperationOutput`), the nested shapes (STS ones top-level, IAM ones inside `enum IAM`), and the
  registry of input types;
- `Sources/LatchkeyQuery/Generated/`: `ResponseEncodable` (the `ResponseNode` a server renders) and
  `ResponseDecodable` (reading the `<ActionResult>` element, for the client) for every output and nested shape.

Usage:
    python3 scripts/codegen/generate.py           # (re)write the generated files
    python3 scripts/codegen/generate.py --check   # exit 1 and print a diff when the committed files differ

Python 3 standard library only. See docs/contributing.md.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import textwrap
from collections import OrderedDict

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CONFIG = os.path.join(ROOT, "scripts", "codegen", "operations.json")
MODELS = os.path.join(ROOT, "Tests", "LatchkeyModelTests", "Fixtures")
MODEL_OUT = os.path.join("Sources", "LatchkeyModel", "Generated")
QUERY_OUT = os.path.join("Sources", "LatchkeyQuery", "Generated")

SWIFT_KEYWORDS = {
    "associatedtype",
    "class",
    "deinit",
    "enum",
    "extension",
    "fileprivate",
    "func",
    "import",
    "init",
    "inout",
    "internal",
    "let",
    "open",
    "operator",
    "private",
    "protocol",
    "public",
    "rethrows",
    "static",
    "struct",
    "subscript",
    "typealias",
    "var",
    "break",
    "case",
    "continue",
    "default",
    "defer",
    "do",
    "else",
    "fallthrough",
    "for",
    "guard",
    "if",
    "in",
    "repeat",
    "return",
    "switch",
    "where",
    "while",
    "as",
    "catch",
    "false",
    "is",
    "nil",
    "super",
    "self",
    "Self",
    "throw",
    "throws",
    "true",
    "try",
    "Any",
    "Type",
}

FOUNDATION_IMPORT = """#if canImport(FoundationEssentials)
    public import FoundationEssentials
#else
    public import Foundation
#endif
"""


class GeneratorError(Exception):
    pass


def swift_property_name(wire: str) -> str:
    """lowerCamel with a leading acronym lowered: `SAMLAssertion` -> `samlAssertion`, `MFADevices` -> `mfaDevices`,
    `OpenIDConnectProviderArn` -> `openIDConnectProviderArn`, `arn` -> `arn`."""
    run = 0
    while run < len(wire) and wire[run].isupper():
        run += 1
    if run == 0:
        name = wire
    elif run == 1 or run == len(wire):
        name = wire[:run].lower() + wire[run:]
    elif wire[run].isalpha():
        # `SAMLAssertion`: the last capital starts the next word.
        name = wire[: run - 1].lower() + wire[run - 1 :]
    else:
        # `QRCode2`: an acronym followed by a digit or underscore.
        name = wire[:run].lower() + wire[run:]
    return f"`{name}`" if name in SWIFT_KEYWORDS else name


def bare(name: str) -> str:
    return name.strip("`")


class Member:
    def __init__(self, wire, shape_name, swift_name, swift_type, optional, redacted, shape):
        self.wire = wire
        self.shape_name = shape_name
        self.swift_name = swift_name
        self.swift_type = swift_type
        self.optional = optional
        self.redacted = redacted
        self.shape = shape

    @property
    def declared_type(self):
        return self.swift_type + ("?" if self.optional else "")


class Service:
    def __init__(self, key: str, spec: dict, config: dict, models_dir: str):
        self.key = key  # STS or IAM
        self.model_file = spec["model"]
        with open(os.path.join(models_dir, self.model_file), encoding="utf-8") as handle:
            self.model = json.load(handle, object_pairs_hook=OrderedDict)
        self.shapes = self.model["shapes"]
        if "extensions" in spec:
            self.merge_extensions(os.path.join(os.path.dirname(CONFIG), spec["extensions"]))
        self.operations = spec["operations"]
        self.config = config
        self.namespace = "" if key == "STS" else "IAM."
        for name in self.operations:
            if name not in self.model["operations"]:
                raise GeneratorError(f"{key}.{name} is not an operation of {self.model_file}")

    def merge_extensions(self, path: str):
        """Adds Latchkey's own operations and shapes (botocore's format) to the model; AWS's names stay AWS's."""
        with open(path, encoding="utf-8") as handle:
            extensions = json.load(handle, object_pairs_hook=OrderedDict)
        for section in ("operations", "shapes"):
            for name, value in extensions.get(section, {}).items():
                if name in self.model[section]:
                    raise GeneratorError(f"{path}: {section} {name} is already in {self.model_file}")
                self.model[section][name] = value

    # Types

    def struct_name(self, shape_name: str) -> str:
        return self.namespace + shape_name

    def swift_type(self, shape_name: str) -> str:
        shape = self.shapes[shape_name]
        kind = shape["type"]
        if kind == "string":
            return "String"
        if kind in ("integer", "long"):
            return "Int"
        if kind == "boolean":
            return "Bool"
        if kind == "timestamp":
            return "Date"
        if kind == "blob":
            return "Data"
        if kind == "list":
            return "[" + self.swift_type(shape["member"]["shape"]) + "]"
        if kind == "map":
            key, value = self.swift_type(shape["key"]["shape"]), self.swift_type(shape["value"]["shape"])
            if (key, value) != ("String", "String"):
                raise GeneratorError(f"map {shape_name}: only maps of strings to strings are supported")
            return "[String: String]"
        if kind == "structure":
            return self.struct_name(shape_name)
        raise GeneratorError(f"shape {shape_name}: unsupported type {kind}")

    def members(self, structure_name: str, all_optional: bool = False, order=None) -> list[Member]:
        shape = self.shapes[structure_name]
        required = set(shape.get("required", []))
        optional_overrides = set(self.config.get("optionalMembers", []))
        redacted_overrides = set(self.config.get("redactedMembers", []))
        names = self.config.get("swiftNames", {})
        wires = list(shape["members"].keys())
        if order is not None:
            if sorted(order) != sorted(wires):
                raise GeneratorError(f"outputMemberOrder for {structure_name} must list exactly {wires}")
            wires = order
        result = []
        for wire in wires:
            spec = shape["members"][wire]
            key = f"{self.key}.{structure_name}.{wire}"
            target = self.shapes[spec["shape"]]
            optional = all_optional or wire not in required or key in optional_overrides
            redacted = bool(spec.get("sensitive") or target.get("sensitive")) or key in redacted_overrides
            swift_name = names.get(key) or swift_property_name(wire)
            result.append(
                Member(wire, spec["shape"], swift_name, self.swift_type(spec["shape"]), optional, redacted, target)
            )
        for key in optional_overrides | redacted_overrides | set(names):
            service, shape_name, wire = key.split(".")
            if service == self.key and shape_name == structure_name and wire not in shape["members"]:
                raise GeneratorError(f"{key} names no member of {structure_name}")
        return result

    def nested_structures(self, root_names: list[str]) -> list[str]:
        """Structures reachable from the members of `root_names`, in first-use order."""
        found: list[str] = []

        def visit(shape_name: str):
            shape = self.shapes[shape_name]
            kind = shape["type"]
            if kind == "list":
                visit(shape["member"]["shape"])
            elif kind == "map":
                visit(shape["key"]["shape"])
                visit(shape["value"]["shape"])
            elif kind == "structure" and shape_name not in found:
                found.append(shape_name)
                for spec in shape["members"].values():
                    visit(spec["shape"])

        for root in root_names:
            for spec in self.shapes[root]["members"].values():
                visit(spec["shape"])
        return found

    def input_shape(self, operation: str):
        input_spec = self.model["operations"][operation].get("input")
        return input_spec["shape"] if input_spec else None

    def output_shape(self, operation: str):
        output = self.model["operations"][operation].get("output")
        return output["shape"] if output else None


def lower_first(name: str) -> str:
    return name[0].lower() + name[1:]


def doc_line(member: Member, indent: str) -> str:
    notes = []
    if not member.optional:
        notes.append(" (required)")
    text = f"{indent}/// `{member.wire}`{''.join(notes)}."
    if member.redacted:
        text += " Never shown in `description`."
    return text


# MARK: - LatchkeyModel


def model_struct(
    service: Service, type_name: str, members: list[Member], doc: str, conformances: str, indent: str
) -> list[str]:
    """A public struct with its members, memberwise init and, when a member is redacted, `description`."""
    needs_description = any(member.redacted for member in members)
    if needs_description and any(bare(member.swift_name) == "description" for member in members):
        raise GeneratorError(f"{type_name}: a member named description clashes with the redacting description")
    protocols = conformances + (", CustomStringConvertible" if needs_description else "")
    short = type_name.split(".")[-1]
    lines = [f"{indent}/// {doc}", f"{indent}public struct {short}: {protocols} {{"]
    inner = indent + "    "
    for member in members:
        lines.append(doc_line(member, inner))
        lines.append(f"{inner}public var {member.swift_name}: {member.declared_type}")
    lines += init_lines(members, inner)
    if needs_description:
        lines += description_lines(short, members, inner)
    return lines


def description_lines(type_name: str, members: list[Member], indent: str) -> list[str]:
    """`description` with redacted members shown as `<redacted>`."""
    lines = ["", f"{indent}public var description: String {{", f"{indent}    let members: [String] = ["]
    for member in members:
        name = bare(member.swift_name)
        if member.redacted:
            lines.append(f'{indent}        "{name}: <redacted>",')
        elif member.optional:
            lines.append(f'{indent}        "{name}: \\(DescriptionText.optional({member.swift_name}))",')
        else:
            lines.append(f'{indent}        "{name}: \\({member.swift_name})",')
    lines.append(f"{indent}    ]")
    lines.append(f'{indent}    return "{type_name}(" + members.joined(separator: ", ") + ")"')
    lines.append(f"{indent}}}")
    return lines


def init_lines(members: list[Member], indent: str) -> list[str]:
    lines = ["", f"{indent}/// Creates the value."]
    if not members:
        lines.append(f"{indent}public init() {{}}")
        return lines
    lines.append(f"{indent}public init(")
    # Required members first (each group in model order), so that callers name what they must before what they may.
    ordered = [member for member in members if not member.optional] + [member for member in members if member.optional]
    for index, member in enumerate(ordered):
        default = " = nil" if member.optional else ""
        comma = "," if index < len(members) - 1 else ""
        lines.append(f"{indent}    {bare(member.swift_name)}: {member.declared_type}{default}{comma}")
    lines.append(f"{indent}) {{")
    for member in ordered:
        lines.append(f"{indent}    self.{bare(member.swift_name)} = {member.swift_name}")
    lines.append(f"{indent}}}")
    return lines


def decode_expression(service: Service, member: Member) -> str:
    kind = member.shape["type"]
    wire = member.wire
    required = not member.optional
    scalar = {
        "string": "string",
        "integer": "int",
        "long": "int",
        "boolean": "bool",
        "timestamp": "timestamp",
        "blob": "blob",
    }
    if kind in scalar:
        accessor = scalar[kind]
        if required:
            return f'try input.required{accessor[0].upper() + accessor[1:]}("{wire}")'
        return f'input.{accessor}("{wire}")'
    if kind == "list":
        element = service.shapes[member.shape["member"]["shape"]]["type"]
        if element == "string":
            return f'try input.requiredStringList("{wire}")' if required else f'input.stringList("{wire}")'
        if element == "structure":
            return f'try input.requiredStructureList("{wire}")' if required else f'try input.structureList("{wire}")'
        raise GeneratorError(f"input list {member.shape_name} of {element} is not supported")
    if kind == "structure":
        return f'try input.requiredStructureMember("{wire}")' if required else f'try input.structureMember("{wire}")'
    raise GeneratorError(f"input member {wire} of type {kind} is not supported")


def write_statement(service: Service, member: Member, prefix: str) -> str:
    kind = member.shape["type"]
    key = f'{prefix}"{member.wire}"'
    if kind == "list":
        element = service.shapes[member.shape["member"]["shape"]]["type"]
        label = "strings" if element == "string" else "structures"
        return f"writer.add({key}, {label}: {member.swift_name})"
    if kind == "structure":
        return f"writer.add({key}, structure: {member.swift_name})"
    return f"writer.add({key}, {member.swift_name})"


def query_coding_lines(service: Service, type_name: str, members: list[Member]) -> list[str]:
    """`init(decoding:)` and `write(into:prefix:)` of a nested structure that requests carry."""
    lines = [
        "",
        f"extension {type_name}: QueryStructureCoding {{",
        "    /// Reads the structure from its validated members.",
        "    public init(decoding input: QueryInput) throws(STSError) {",
    ]
    for member in members:
        lines.append(f"        self.{bare(member.swift_name)} = {decode_expression(service, member)}")
    lines.append("    }")
    lines.append("")
    lines.append("    func write(into writer: inout QueryParameterWriter, prefix: String) {")
    for member in members:
        lines.append(f"        {write_statement(service, member, 'prefix + ')}")
    lines.append("    }")
    lines.append("}")
    return lines


def operation_lines(service: Service, operation: str) -> list[str]:
    spec = service.operations[operation]
    input_shape = service.input_shape(operation)
    output_shape = service.output_shape(operation)
    inputs = service.members(input_shape) if input_shape else []
    access = spec["access"]
    if access not in ("read", "write"):
        raise GeneratorError(f"{operation}: access must be read or write")
    unsigned = ", isUnsigned: true" if spec.get("unsigned") else ""
    source = f"the model's `{input_shape}`" if input_shape else "the model declares no input"
    lines = [f"/// The input of `{operation}` ({source})."]
    if len(lines[0]) > 120:
        lines = [f"/// The input of `{operation}`", f"/// ({source})."]
    needs_description = any(member.redacted for member in inputs)
    if needs_description and any(bare(member.swift_name) == "description" for member in inputs):
        raise GeneratorError(f"{operation}Input: a member named description clashes with the redacting description")
    conformance = "OperationInput" + (", CustomStringConvertible" if needs_description else "")
    lines.append(f"public struct {operation}Input: {conformance} {{")
    lines.append(f"    public typealias Output = {operation}Output")
    lines.append(
        f"    public static let operation = OperationDeclaration(.{lower_first(operation)}, "
        f"access: .{access}{unsigned})"
    )
    for member in inputs:
        lines.append(doc_line(member, "    "))
        lines.append(f"    public var {member.swift_name}: {member.declared_type}")
    lines += init_lines(inputs, "    ")
    lines.append("")
    lines.append("    public init(decoding input: QueryInput) throws(STSError) {")
    for member in inputs:
        lines.append(f"        self.{bare(member.swift_name)} = {decode_expression(service, member)}")
    lines.append("    }")
    lines.append("")
    if inputs:
        lines.append("    public var queryParameters: [(name: String, value: String)] {")
        lines.append("        var writer = QueryParameterWriter()")
        for member in inputs:
            lines.append(f"        {write_statement(service, member, '')}")
        lines.append("        return writer.pairs")
        lines.append("    }")
    else:
        lines.append("    public var queryParameters: [(name: String, value: String)] { [] }")
    if needs_description:
        lines += description_lines(f"{operation}Input", inputs, "    ")
    lines.append("}")
    lines.append("")
    if output_shape is None:
        lines.append(f"/// The output of `{operation}`: none in the model, so the response has no result element.")
        lines.append(f"public struct {operation}Output: OperationOutput {{")
        lines.append("    /// Creates the value.")
        lines.append("    public init() {}")
        lines.append("}")
    else:
        outputs = output_members(service, operation)
        lines += model_struct(
            service,
            f"{operation}Output",
            outputs,
            f"The output of `{operation}` (the model's `{output_shape}`).",
            "OperationOutput",
            "",
        )
        lines.append("}")
    return lines


def output_members(service: Service, operation: str, wire_order: bool = False) -> list[Member]:
    """The output's members in model order, or with `wire_order` in the order the response writes them (the model's
    unless `outputMemberOrder` says otherwise)."""
    shape = service.output_shape(operation)
    order = service.config.get("outputMemberOrder", {}).get(f"{service.key}.{shape}") if wire_order else None
    return service.members(shape, all_optional=True, order=order)


def header(model_files: list[str]) -> str:
    return f"// Generated by scripts/codegen/generate.py from {' and '.join(model_files)}. Do not edit.\n"


def uses_foundation(lines: list[str]) -> bool:
    text = "\n".join(lines)
    return any(token in text for token in (": Date", ": Data", "[Date]", "[Data]"))


def model_files(service: Service, areas: OrderedDict) -> dict[str, str]:
    files = {}
    for area, operations in areas.items():
        body: list[str] = []
        for operation in operations:
            if body:
                body.append("")
            body += operation_lines(service, operation)
        files[os.path.join(MODEL_OUT, f"{service.key}Operations+{area}.swift")] = render(
            [service.model_file], body, foundation=uses_foundation(body)
        )
    return files


def shapes_in_use(service: Service):
    operations = list(service.operations)
    input_roots = [shape for shape in (service.input_shape(op) for op in operations) if shape]
    output_roots = [shape for shape in (service.output_shape(op) for op in operations) if shape]
    from_inputs = service.nested_structures(input_roots)
    from_outputs = service.nested_structures(output_roots)
    every = from_inputs + [name for name in from_outputs if name not in from_inputs]
    return every, set(from_inputs), set(from_outputs)


def model_shape_files(service: Service) -> dict[str, str]:
    """The nested shapes, in files of at most about 500 lines, and their query coding in a file of its own."""
    every, from_inputs, _ = shapes_in_use(service)
    indent = "    " if service.key == "IAM" else ""
    chunks: list[list[str]] = [[]]
    for shape_name in every:
        members = service.members(shape_name)
        lines = model_struct(
            service,
            service.struct_name(shape_name),
            members,
            f"The model's `{shape_name}`.",
            "Sendable, Hashable",
            indent,
        )
        lines.append(f"{indent}}}")
        if chunks[-1] and len(chunks[-1]) + len(lines) > 500:
            chunks.append([])
        if chunks[-1]:
            chunks[-1].append("")
        chunks[-1] += lines
    files = {}
    for index, chunk in enumerate(chunks):
        body: list[str] = []
        if service.key == "IAM":
            if index == 0:
                body += [
                    "/// IAM's nested shapes (`IAM.Role`, `IAM.Tag`, …), in a namespace so that they do not clash",
                    "/// with the domain's entities (`AttachedPolicy`, `PolicyVersion`).",
                    "public enum IAM {}",
                    "",
                ]
            body += ["extension IAM {"] + chunk + ["}"]
        else:
            body += chunk
        suffix = "" if index == 0 else f"+{index + 1}"
        path = os.path.join(MODEL_OUT, f"{service.key}OperationShapes{suffix}.swift")
        files[path] = render([service.model_file], body, foundation=uses_foundation(body))
    body = []
    for shape_name in every:
        if shape_name in from_inputs:
            body += query_coding_lines(service, service.struct_name(shape_name), service.members(shape_name))
    path = os.path.join(MODEL_OUT, f"{service.key}OperationShapes+QueryCoding.swift")
    files[path] = render([service.model_file], body[1:], foundation=False)
    return files


def registry_file(services: list[Service]) -> tuple[str, str]:
    body = ["extension OperationSchema {"]
    for service in services:
        body.append(f"    /// Every {service.key} operation Latchkey serves, in `operations.json` order.")
        body.append(f"    public static let all{service.key}: [OperationSchema] = [")
        for operation in service.operations:
            body.append(f"        .{lower_first(operation)},")
        body.append("    ]")
        if service is not services[-1]:
            body.append("")
    body += ["}", "", "extension OperationDeclaration {"]
    for service in services:
        body.append(
            f"    /// The input type of every {service.key} operation Latchkey declares, in "
            f"`OperationSchema.all{service.key}` order."
        )
        body.append(f"    public static let {service.key.lower()}InputTypes: [any OperationInput.Type] = [")
        for operation in service.operations:
            body.append(f"        {operation}Input.self,")
        body.append("    ]")
        if service is not services[-1]:
            body.append("")
    body.append("}")
    path = os.path.join(MODEL_OUT, "OperationDeclaration+Registry.swift")
    return path, render([service.model_file for service in services], body, foundation=False)


# MARK: - Constraint tables (OperationSchema)


def swift_raw_string(text: str) -> str:
    hashes = "#"
    while f'"{hashes}' in text:
        hashes += "#"
    return f'{hashes}"{text}"{hashes}'


class SchemaWriter:
    """The constraint tables of one service: `OperationSchema.<operation>` for every served operation, and the
    shapes their inputs use as `<Service>Shapes.<shape>` constants (shared, as the model shares them)."""

    def __init__(self, service: Service):
        self.service = service
        self.enum = f"{service.key}Shapes"
        redacted = service.config.get("redactedShapes", {})
        self.redacted = {
            key.split(".", 1)[1]: reason for key, reason in redacted.items() if key.split(".", 1)[0] == service.key
        }
        documented = service.config.get("documentedMaxItems", {}).get("members", {})
        self.documented = {
            key.split(".", 1)[1]: value for key, value in documented.items() if key.split(".", 1)[0] == service.key
        }
        self.constants: OrderedDict = OrderedDict()  # shape name -> constant name
        for operation in service.operations:
            shape = service.input_shape(operation)
            if shape:
                for spec in service.shapes[shape]["members"].values():
                    self.collect(spec["shape"])
        for name in self.redacted:
            if name not in self.constants:
                raise GeneratorError(f"redactedShapes: {service.key}.{name} is not a shape of a served input")
        for key in self.documented:
            structure, member = key.split(".")
            operation_inputs = {service.input_shape(operation) for operation in service.operations}
            if structure not in operation_inputs or member not in service.shapes[structure]["members"]:
                raise GeneratorError(f"documentedMaxItems: {service.key}.{key} is no member of a served input")

    def collect(self, shape_name: str):
        if shape_name in self.constants:
            return
        shape = self.service.shapes[shape_name]
        if shape["type"] == "list":
            self.collect(shape["member"]["shape"])
        elif shape["type"] == "structure":
            for spec in shape["members"].values():
                self.collect(spec["shape"])
        elif shape["type"] == "map":
            raise GeneratorError(f"input shape {shape_name}: maps are not supported")
        constant = swift_property_name(shape_name)
        if constant in self.constants.values():
            raise GeneratorError(f"two shapes would both be {self.enum}.{constant}")
        self.constants[shape_name] = constant

    def reference(self, shape_name: str) -> str:
        return f"{self.enum}.{self.constants[shape_name]}"

    def member_lines(self, structure_name: str, indent: str) -> list[str]:
        shape = self.service.shapes[structure_name]
        required = set(shape.get("required", []))
        lines = []
        for wire, spec in shape["members"].items():
            arguments = [f'"{wire}"', self.reference(spec["shape"])]
            if wire in required:
                arguments.append("required: true")
            if spec.get("sensitive"):
                arguments.append("sensitive: true")
            documented = self.documented.get(f"{structure_name}.{wire}")
            if documented is not None:
                arguments.append(f"documentedMaxItems: {documented}")
            lines.append(f"{indent}MemberSchema({', '.join(arguments)}),")
        return lines

    def shape_lines(self, shape_name: str) -> list[str]:
        shape = self.service.shapes[shape_name]
        kind = shape["type"]
        constant = self.constants[shape_name]
        lines = []
        reason = self.redacted.get(shape_name)
        if reason:
            lines += textwrap.wrap(reason, width=120, initial_indent="    /// ", subsequent_indent="    /// ")
        common = []
        if "min" in shape:
            common.append(f"min: {shape['min']}")
        if "max" in shape:
            common.append(f"max: {shape['max']}")
        if kind == "string":
            arguments = [f'"{shape_name}"'] + common
            if "pattern" in shape:
                arguments.append(f"pattern: {swift_raw_string(shape['pattern'])}")
            enum_values = [f'"{value}"' for value in shape.get("enum", [])]
            if enum_values and len("enumValues: [" + ", ".join(enum_values) + "]") > 100:
                # A long list of values: one argument per line, the values packed within 120 columns.
                lines += [
                    f"    static let {constant} = ShapeSchema.string(",
                    f"        {repr_swift(shape_name)},",
                    "        enumValues: [",
                ]
                lines += textwrap.wrap(
                    ", ".join(enum_values) + ",",
                    width=120,
                    initial_indent=" " * 12,
                    subsequent_indent=" " * 12,
                    break_long_words=False,
                    break_on_hyphens=False,
                )
                lines.append("        ])")
                if common or "pattern" in shape or shape.get("sensitive") or reason:
                    raise GeneratorError(f"{shape_name}: a long enum with other traits is not supported")
                return lines
            if enum_values:
                arguments.append("enumValues: [" + ", ".join(enum_values) + "]")
            if shape.get("sensitive"):
                arguments.append("sensitive: true")
            if reason:
                arguments.append("redacted: true")
            lines += wrapped_call(f"static let {constant} = ShapeSchema.string", arguments)
        elif kind == "integer":
            lines += wrapped_call(f"static let {constant} = ShapeSchema.integer", [repr_swift(shape_name)] + common)
        elif kind == "boolean":
            lines.append(f"    static let {constant} = ShapeSchema.boolean({repr_swift(shape_name)})")
        elif kind in ("timestamp", "blob"):
            arguments = [f"name: {repr_swift(shape_name)}", f"kind: .{kind}"] + common
            if shape.get("sensitive"):
                arguments.append("sensitive: true")
            lines += wrapped_call(f"static let {constant} = ShapeSchema", arguments)
        elif kind == "list":
            arguments = [repr_swift(shape_name), f"of: {self.reference(shape['member']['shape'])}"] + common
            lines += wrapped_call(f"static let {constant} = ShapeSchema.list", arguments)
        elif kind == "structure":
            lines.append(f"    static let {constant} = ShapeSchema.structure(")
            lines.append(f"        {repr_swift(shape_name)},")
            lines.append("        [")
            lines += self.member_lines(shape_name, "            ")
            lines.append("        ])")
        else:
            raise GeneratorError(f"input shape {shape_name}: unsupported type {kind}")
        if kind not in ("string", "list", "structure", "timestamp", "blob") and reason:
            raise GeneratorError(f"redactedShapes: {shape_name} is not a string")
        return lines

    def shapes_file(self) -> tuple[str, str]:
        body = [
            f"/// The shapes the inputs of the {self.service.key} operations Latchkey serves use, as declared in",
            f"/// `{self.service.model_file}`, shared as the model shares them.",
            f"enum {self.enum} {{",
        ]
        for index, shape_name in enumerate(self.constants):
            if index > 0 and (self.service.shapes[shape_name]["type"] == "structure" or self.redacted.get(shape_name)):
                body.append("")
            body += self.shape_lines(shape_name)
        body.append("}")
        path = os.path.join(MODEL_OUT, f"{self.service.key}SchemaShapes.swift")
        return path, render([self.service.model_file], body, foundation=False)

    def operations_file(self, area: str, operations: list[str]) -> tuple[str, str]:
        body = ["extension OperationSchema {"]
        for index, operation in enumerate(operations):
            if index > 0:
                body.append("")
            input_shape = self.service.input_shape(operation) or f"{operation}Request"
            service = f".{self.service.key.lower()}"
            body.append(f"    /// {self.service.key} `{operation}` (`{input_shape}`).")
            members = self.member_lines(input_shape, "                ") if self.service.input_shape(operation) else []
            if members:
                body.append(f"    public static let {lower_first(operation)} = OperationSchema(")
                body.append(f'        {service}, "{operation}",')
                body.append("        input: .structure(")
                body.append(f'            "{input_shape}",')
                body.append("            [")
                body += members
                body.append("            ]))")
            else:
                body += wrapped_call(
                    f"public static let {lower_first(operation)} = OperationSchema",
                    [service, f'"{operation}"', f'input: .structure("{input_shape}", [])'],
                )
        body.append("}")
        path = os.path.join(MODEL_OUT, f"{self.service.key}Schemas+{area}.swift")
        return path, render([self.service.model_file], body, foundation=False)


def wrapped_call(prefix: str, arguments: list[str], indent: str = "    ") -> list[str]:
    """`prefix(arguments)` on one line when it fits in 120 columns, else the arguments on lines of their own, packed."""
    line = f"{indent}{prefix}({', '.join(arguments)})"
    if len(line) <= 120:
        return [line]
    lines = [f"{indent}{prefix}("]
    current = ""
    inner = indent + "    "
    for index, argument in enumerate(arguments):
        piece = argument + ("," if index < len(arguments) - 1 else ")")
        candidate = f"{current} {piece}" if current else piece
        if current and len(inner) + len(candidate) > 120:
            lines.append(inner + current)
            current = piece
        else:
            current = candidate
    lines.append(inner + current)
    return lines


def repr_swift(text: str) -> str:
    return f'"{text}"'


# MARK: - LatchkeyQuery


def encode_expression(service: Service, member: Member) -> str | None:
    kind = member.shape["type"]
    wire = member.wire
    value = member.swift_name
    if kind == "string":
        return f'ResponseField.string("{wire}", {value})'
    if kind in ("integer", "long"):
        return f'ResponseField.integer("{wire}", {value})'
    if kind == "boolean":
        return f'ResponseField.boolean("{wire}", {value})'
    if kind == "timestamp":
        return f'ResponseField.timestamp("{wire}", {value})'
    if kind == "blob":
        return f'ResponseField.blob("{wire}", {value})'
    if kind == "structure":
        return f'ResponseField.structure("{wire}", {value})'
    if kind == "list":
        element = service.shapes[member.shape["member"]["shape"]]["type"]
        if element == "string":
            return f'ResponseField.strings("{wire}", {value})'
        if element == "structure":
            return f'ResponseField.structures("{wire}", {value})'
        raise GeneratorError(f"output list {member.shape_name} of {element} is not supported")
    if kind == "map":
        return None  # ResponseNode cannot render a map (`<entry><key/><value/></entry>`) yet.
    raise GeneratorError(f"output member {wire} of type {kind} is not supported")


def read_expression(service: Service, member: Member) -> str:
    kind = member.shape["type"]
    wire = member.wire
    required = not member.optional
    scalar = {
        "string": "string",
        "integer": "int",
        "long": "int",
        "boolean": "bool",
        "timestamp": "date",
        "blob": "blob",
        "structure": "structure",
        "map": "map",
    }
    if kind == "list":
        element = service.shapes[member.shape["member"]["shape"]]["type"]
        accessor = "strings" if element == "string" else "structures"
    else:
        accessor = scalar[kind]
    if required:
        return f'try reader.required{accessor[0].upper() + accessor[1:]}("{wire}")'
    if accessor in ("string", "strings", "map"):
        return f'reader.{accessor}("{wire}")'
    return f'try reader.{accessor}("{wire}")'


def children_lines(service: Service, members: list[Member], indent: str) -> list[str]:
    lines = []
    for member in members:
        expression = encode_expression(service, member)
        if expression is None:
            lines.append(f"{indent}// {member.wire}: a map, which ResponseNode cannot render yet.")
        else:
            lines.append(f"{indent}{expression},")
    return lines


def response_lines(service: Service, operation: str) -> list[str]:
    type_name = f"{operation}Output"
    output_shape = service.output_shape(operation)
    lines = [f"extension {type_name}: ResponseEncodable, ResponseDecodable {{"]
    if output_shape is None:
        lines += [
            "    /// No result element: the model declares no output.",
            "    public var responseNode: ResponseNode? { nil }",
            "",
            "    public init(result: XMLReader.Element?) throws(ResponseDecodingError) {",
            "        self.init()",
            "    }",
            "}",
        ]
        return lines
    members = output_members(service, operation)
    if members:
        lines.append("    public var responseNode: ResponseNode? {")
        lines.append("        let children: [ResponseNode?] = [")
        lines += children_lines(service, output_members(service, operation, wire_order=True), "            ")
        lines.append("        ]")
        lines.append("        return .result(children)")
        lines.append("    }")
    else:
        lines.append("    /// An empty result element: the model declares an output without members.")
        lines.append("    public var responseNode: ResponseNode? { .result([]) }")
    lines.append("")
    lines.append("    public init(result: XMLReader.Element?) throws(ResponseDecodingError) {")
    if members:
        lines.append("        let reader = ResponseReader(result)")
    lines.append("        self.init()")
    for member in members:
        lines.append(f"        self.{bare(member.swift_name)} = {read_expression(service, member)}")
    lines.append("    }")
    lines.append("}")
    return lines


def response_shape_lines(service: Service, shape_name: str) -> list[str]:
    type_name = service.struct_name(shape_name)
    members = service.members(shape_name)
    lines = [f"extension {type_name}: ResponseStructure {{", "    func responseChildren() -> [ResponseNode?] {"]
    lines.append("        [")
    lines += children_lines(service, members, "            ")
    lines.append("        ]")
    lines.append("    }")
    lines.append("")
    lines.append("    init(reading reader: ResponseReader) throws(ResponseDecodingError) {")
    required = [member for member in members if not member.optional]
    optional = [member for member in members if member.optional]
    if required:
        lines.append("        self.init(")
        for index, member in enumerate(required):
            comma = "," if index < len(required) - 1 else ")"
            lines.append(f"            {bare(member.swift_name)}: {read_expression(service, member)}{comma}")
    else:
        lines.append("        self.init()")
    for member in optional:
        lines.append(f"        self.{bare(member.swift_name)} = {read_expression(service, member)}")
    lines.append("    }")
    lines.append("}")
    return lines


def query_files(service: Service, areas: OrderedDict) -> dict[str, str]:
    files = {}
    for area, operations in areas.items():
        body: list[str] = []
        for operation in operations:
            if body:
                body.append("")
            body += response_lines(service, operation)
        files[os.path.join(QUERY_OUT, f"{service.key}Responses+{area}.swift")] = render(
            [service.model_file], body, foundation=False, imports=["public import LatchkeyModel"]
        )
    _, _, from_outputs = shapes_in_use(service)
    every, _, _ = shapes_in_use(service)
    body = []
    for shape_name in every:
        if shape_name not in from_outputs:
            continue
        if body:
            body.append("")
        body += response_shape_lines(service, shape_name)
    files[os.path.join(QUERY_OUT, f"{service.key}ResponseShapes.swift")] = render(
        [service.model_file], body, foundation=False, imports=["public import LatchkeyModel"]
    )
    return files


# MARK: - Driver


def without_lone_trailing_commas(body: list[str]) -> list[str]:
    """A multi-line collection literal with one element takes no trailing comma (swift-format's TrailingComma)."""
    result = list(body)
    for index in range(1, len(result) - 1):
        if (
            result[index - 1].endswith("[")
            and result[index].endswith(",")
            and result[index + 1].lstrip().startswith("]")
        ):
            result[index] = result[index][:-1]
    return result


def render(model_names: list[str], body: list[str], foundation: bool, imports=()) -> str:
    body = without_lone_trailing_commas(body)
    text = header(model_names)
    if foundation or imports:
        text += "\n"
    if foundation:
        text += FOUNDATION_IMPORT
    for line in imports:
        text += line + "\n"
    text += "\n" + "\n".join(body) + "\n"
    return text


def generate(models_dir: str) -> dict[str, str]:
    with open(CONFIG, encoding="utf-8") as handle:
        config = json.load(handle, object_pairs_hook=OrderedDict)
    services = [Service(key, spec, config, models_dir) for key, spec in config["services"].items()]
    files: dict[str, str] = {}
    for service in services:
        areas: OrderedDict = OrderedDict()
        for operation, spec in service.operations.items():
            areas.setdefault(spec["area"], []).append(operation)
        files.update(model_files(service, areas))
        files.update(model_shape_files(service))
        schemas = SchemaWriter(service)
        path, text = schemas.shapes_file()
        files[path] = text
        for area, operations in areas.items():
            path, text = schemas.operations_file(area, operations)
            files[path] = text
        files.update(query_files(service, areas))
    path, text = registry_file(services)
    files[path] = text
    for path, text in files.items():
        count = text.count("\n")
        if count > 600:
            raise GeneratorError(f"{path} would have {count} lines; split its area in operations.json")
    return files


def existing_files() -> set[str]:
    found = set()
    for directory in (MODEL_OUT, QUERY_OUT):
        absolute = os.path.join(ROOT, directory)
        if os.path.isdir(absolute):
            for name in os.listdir(absolute):
                if name.endswith(".swift"):
                    found.add(os.path.join(directory, name))
    return found


def read_text(path: str):
    """The file's text, or None when it does not exist."""
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and print a diff when the generated files are not up to date",
    )
    parser.add_argument("--models", default=MODELS, help="directory holding the botocore model files")
    arguments = parser.parse_args()
    try:
        files = generate(arguments.models)
    except GeneratorError as error:
        print(f"generate.py: {error}", file=sys.stderr)
        return 2
    stale = sorted(existing_files() - set(files))
    if arguments.check:
        differences = 0
        for path in sorted(files):
            absolute = os.path.join(ROOT, path)
            current = read_text(absolute) or ""
            if current != files[path]:
                differences += 1
                sys.stdout.writelines(
                    difflib.unified_diff(
                        current.splitlines(keepends=True),
                        files[path].splitlines(keepends=True),
                        fromfile=f"a/{path}",
                        tofile=f"b/{path}",
                    )
                )
        for path in stale:
            differences += 1
            print(f"{path}: not generated any more (delete it)")
        if differences:
            print(
                f"generate.py --check: {differences} generated file(s) out of date; "
                "run python3 scripts/codegen/generate.py",
                file=sys.stderr,
            )
            return 1
        return 0
    for path, text in files.items():
        absolute = os.path.join(ROOT, path)
        os.makedirs(os.path.dirname(absolute), exist_ok=True)
        current = read_text(absolute)
        if current != text:
            with open(absolute, "w", encoding="utf-8") as handle:
                handle.write(text)
    for path in stale:
        os.remove(os.path.join(ROOT, path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
