#!/usr/bin/env python3
"""Validate an OpenAPI 3.1 document with openapi-spec-validator.

Also checks that every local `$ref` ("#/components/schemas/X") resolves, which
openapi-spec-validator 0.9 does not check.

Usage: python3 tests/fastapi_twin/validate_openapi.py [--ignore-defaults] [FILE]
  FILE absent or "-": read the document from stdin.
  --ignore-defaults: do not check that each schema's `default` satisfies the schema.
      openapi-spec-validator checks it, Pydantic/FastAPI do not: the twin app's
      `Product.quantity: int = Field(default=1, multiple_of=5)` makes FastAPI's own
      document fail with "1 is not a multiple of 5.0" (see README.md).
Exit status: 0 valid (prints "OK"), 1 invalid or unreadable (every error printed to stderr),
2 bad usage or openapi-spec-validator not installed.
"""
import json
import sys

sys.dont_write_bytecode = True


def _validator_cls(check_defaults):
    from openapi_spec_validator import OpenAPIV31SpecValidator
    from openapi_spec_validator.validation import keywords

    if check_defaults:
        return OpenAPIV31SpecValidator

    class NoDefaults(keywords.OpenAPIV31ValueValidator):
        def __call__(self, schema, value):
            return iter(())

    class Lenient(OpenAPIV31SpecValidator):
        keyword_validators = {**OpenAPIV31SpecValidator.keyword_validators, "default": NoDefaults}

    return Lenient


def _dangling_refs(doc):
    """Local `$ref`s ("#/...") that point nowhere (openapi-spec-validator lets them pass)."""
    out = []

    def resolve(ref):
        node = doc
        for part in ref[2:].split("/") if ref != "#" else []:
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return False
        return True

    def walk(node, where):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#") and not resolve(ref):
                out.append(f"$ref {ref!r} at {where or '/'} does not resolve")
            for k, v in node.items():
                walk(v, f"{where}/{str(k).replace('~', '~0').replace('/', '~1')}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}/{i}")

    walk(doc, "")
    return out


def openapi_errors(doc, check_defaults=True):
    """Every validation error of `doc` (a dict) as OpenAPI 3.1, as strings; [] when valid.

    openapi-spec-validator's errors, plus one per local `$ref` that does not resolve.
    """
    if not isinstance(doc, dict):
        return ["the document is not a JSON object"]
    validator = _validator_cls(check_defaults)(doc)
    return [str(e) for e in validator.iter_errors()] + _dangling_refs(doc)


def main(argv):
    args = argv[1:]
    check_defaults = True
    if "--ignore-defaults" in args:
        args.remove("--ignore-defaults")
        check_defaults = False
    if len(args) > 1 or any(a.startswith("--") for a in args):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import openapi_spec_validator  # noqa: F401
    except ImportError as e:
        print(f"openapi-spec-validator is not installed ({e}); "
              "pip install openapi-spec-validator", file=sys.stderr)
        return 2
    try:
        if args and args[0] != "-":
            with open(args[0], encoding="utf-8") as f:
                text = f.read()
        else:
            text = sys.stdin.read()
        doc = json.loads(text)
    except (OSError, ValueError) as e:
        print(f"cannot read a JSON document: {e}", file=sys.stderr)
        return 1
    try:
        errors = openapi_errors(doc, check_defaults)
    except Exception as e:  # a document so broken the validator itself trips
        errors = [f"{type(e).__name__}: {e}"]
    if errors:
        print(f"invalid OpenAPI 3.1 document ({len(errors)} error(s)):", file=sys.stderr)
        for e in errors:
            print(f"- {e}", file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
