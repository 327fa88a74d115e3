"""quilt3's manifest handling, reduced to the standard library, to check our bytes against.

Mirrors quilt3 (api/python/quilt3): Package._load, _dump, walk, _walk_dir_meta,
_calculate_top_hash, PhysicalKey.from_url/__str__ for s3, util.validate_package_name.
Reads one JSON request on stdin, writes one JSON answer on stdout.
"""
import base64
import hashlib
import json
import re
import sys
import unicodedata
from urllib.parse import parse_qs, quote, unquote, urlencode, urlparse, urlunparse

PACKAGE_NAME_FORMAT = r"([\w-]+/[\w-]+)(?:/(.+))?$"


def s3_url_roundtrip(url):
    parsed = urlparse(url)
    assert parsed.scheme == 's3', url
    path = unquote(parsed.path)[1:]
    query = parse_qs(parsed.query)
    version_id = query.pop('versionId', [None])[0]
    assert not query, url
    params = {} if version_id is None else {'versionId': version_id}
    return urlunparse(('s3', parsed.netloc, quote(path), None, urlencode(params), None))


class Pkg:
    def __init__(self):
        self.children = {}
        self.user_meta = {}


def load(data):
    text = data.decode('utf-8')
    assert text.endswith('\n')
    records = [json.loads(line) for line in text[:-1].split('\n')]
    meta = records[0]
    meta.pop('top_hash', None)
    root = Pkg()
    for obj in records[1:]:
        path = obj.pop('logical_key').split('/')
        pkg = root
        for part in path[:-1]:
            pkg = pkg.children.setdefault(part, Pkg())
        if not obj.get('physical_keys', None):
            pkg.user_meta = obj['meta']
            continue
        assert path[-1] not in pkg.children
        pkg.children[path[-1]] = {
            'physical_keys': [s3_url_roundtrip(obj['physical_keys'][0])],
            'size': obj['size'],
            'hash': obj['hash'],
            'meta': obj['meta'] or {},
        }
    return meta, root


def walk(pkg, prefix=''):
    for name, child in sorted(pkg.children.items(), key=lambda item: item[0]):
        if isinstance(child, Pkg):
            yield from walk(child, prefix + name + '/')
        else:
            yield prefix + name, child


def walk_dir_meta(pkg, prefix=''):
    for name, child in sorted(pkg.children.items(), key=lambda item: item[0]):
        if not isinstance(child, Pkg):
            continue
        if child.user_meta:
            yield prefix + name + '/', child.user_meta
        yield from walk_dir_meta(child, prefix + name + '/')


def dump(meta, root):
    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = [encode(meta)]
    lines += [encode({'logical_key': key, 'meta': m}) for key, m in walk_dir_meta(root)]
    lines += [encode({'logical_key': key, **entry}) for key, entry in walk(root)]
    return ''.join(line + '\n' for line in lines).encode('utf-8')


def top_hash(meta, root):
    encode = json.JSONEncoder(sort_keys=True, separators=(',', ':')).encode
    sha = hashlib.sha256(encode(meta).encode())
    for key, entry in walk(root):
        part = {'hash': entry['hash'], 'logical_key': key, 'meta': entry['meta'], 'size': entry['size']}
        sha.update(encode(part).encode())
    return sha.hexdigest()


def main():
    request = json.load(sys.stdin)
    manifests = []
    for b64 in request['manifests']:
        meta, root = load(base64.b64decode(b64))
        manifests.append({'bytes': base64.b64encode(dump(meta, root)).decode(), 'top_hash': top_hash(meta, root)})
    names = [bool((m := re.match(PACKAGE_NAME_FORMAT, n)) and not m.group(2)) for n in request['names']]
    quoted = [quote(text) for text in request['quote']]
    json.dump({'manifests': manifests, 'names': names, 'quote': quoted, 'unicode': name_characters()}, sys.stdout)


def name_characters():
    """Code point ranges [first, last] that `[\\w-]` matches, and those Python's Unicode database assigns."""
    word, assigned = [], []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        char = chr(cp)
        if re.match(r'[\w-]', char):
            add(word, cp)
        if unicodedata.category(char) != 'Cn':
            add(assigned, cp)
    return {'word': word, 'assigned': assigned, 'unidata_version': unicodedata.unidata_version}


def add(ranges, cp):
    if ranges and ranges[-1][1] == cp - 1:
        ranges[-1][1] = cp
    else:
        ranges.append([cp, cp])


main()
