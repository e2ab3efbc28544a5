"""`xinyong ledger …`: verify a bundle offline, print checkpoints and keys, rotate keys, audit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from xinyong.errors import XinyongError

app = typer.Typer(help="存证账本 / transparency ledger")
# Hashes and vkeys are copied from the terminal: never wrap them.
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _shanghai(iso: str | None) -> str:
    """Leaves record UTC; people read Beijing time."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if not iso:
        return "-"
    when = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ZoneInfo("Asia/Shanghai"))
    return when.strftime("%Y-%m-%d %H:%M:%S") + " (北京时间 Asia/Shanghai)"


def _fail(exc: XinyongError) -> None:
    err.print(f"[red]✘ 错误 error:[/red] {exc.message_zh}\n  {exc.message_en}")
    raise typer.Exit(1)


def _read_vkeys(values: list[str]):
    """Each --key is a vkey itself or a file of vkeys, one a line."""
    from xinyong.ledger.note import parse_vkey

    vkeys = []
    for value in values:
        path = Path(value)
        lines = path.read_text().split() if "+" not in value and path.is_file() else [value]
        vkeys.extend(parse_vkey(line) for line in lines if line.strip())
    return vkeys


@app.command()
def verify(
    bundle_file: Annotated[Path, typer.Argument(help="证据包 zip / evidence bundle zip")],
    key: Annotated[
        list[str], typer.Option("--key", help="日志公钥 vkey，或含 vkey 的文件 / vkey or vkey file")
    ],
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="证据包未附带时，单独提供的证据文件 / the evidence file, if not in the bundle",
        ),
    ] = None,
) -> None:
    """离线验证证据包（只需证据包与公钥）/ verify an evidence bundle offline."""
    from xinyong.ledger import bundle

    try:
        if not bundle_file.is_file():
            raise XinyongError(
                f"找不到证据包文件 {bundle_file}", f"bundle file {bundle_file} not found"
            )
        given = file.read_bytes() if file is not None else None
        report = bundle.verify(bundle_file.read_bytes(), _read_vkeys(key), given)
    except XinyongError as exc:
        _fail(exc)
    console.print("[green]✔ 证据包验证通过 / bundle verified[/green]")
    console.print(f"  日志 log: {report.origin}")
    console.print(f"  叶子 leaf: #{report.leaf_index}，树大小 tree size {report.tree_size}")
    console.print(f"  类型 kind: {report.kind}")
    console.print(f"  记录时间 recorded at: {_shanghai(report.leaf.get('recorded_at'))}")
    if report.file_sha256:
        console.print(f"  文件 file SHA-256: {report.file_sha256}")
    if not report.file_checked:
        console.print(
            "[yellow]  证据文件未随包提供，未核对；可用 --file 提供 / "
            "the evidence file was not in the bundle and was not checked; give it with --file[/yellow]"
        )
    for vkey in report.signed_by:
        console.print(f"  签名 signed by: {vkey}")
    console.print_json(json.dumps(report.leaf.get("payload"), ensure_ascii=False))


@app.command()
def checkpoint() -> None:
    """签发并打印最新检查点 / sign (if the log grew) and print the latest checkpoint."""
    from xinyong.db import session_scope
    from xinyong.ledger import service

    try:
        with session_scope() as session:
            note = service.checkpoint(session).note
    except XinyongError as exc:
        _fail(exc)
    typer.echo(note, nl=False)


@app.command()
def key() -> None:
    """打印当前签名公钥（vkey 格式）/ print the signing keys' vkeys."""
    from xinyong.ledger import keys
    from xinyong.ledger.config import ledger_settings

    s = ledger_settings()
    folder = s.resolved_key_dir()
    fresh = not keys.has_keys(folder)
    for signer in keys.active_signers(folder, s.resolved_origin()):
        typer.echo(signer.verifier.vkey)
    if fresh:
        # Run outside the server's data folder, this made a key of its own: said on stderr so
        # that `--key "$(xinyong ledger key)"` still reads only the vkey, but nobody is misled.
        err.print(
            f"[yellow]! {folder} 中原无签名密钥，已新建。若服务器的数据目录不在此处，这不是服务器的公钥"
            f"（请在服务器的数据目录下运行，或设置 XINYONG_DATA_DIR / XINYONG_LEDGER_KEY_DIR）。[/yellow]\n"
            f"  no signing key was in {folder}: a new one was made. If the server's data folder is "
            "elsewhere, this is not the server's key (run it there, or set XINYONG_DATA_DIR / "
            "XINYONG_LEDGER_KEY_DIR)."
        )


@app.command("key-add")
def key_add(
    name: Annotated[str | None, typer.Option(help="密钥名称，默认日志来源 / key name")] = None,
) -> None:
    """开始轮换：新增签名密钥，与旧密钥同时签名 / start a rotation: add a signing key."""
    from xinyong.ledger import keys
    from xinyong.ledger.config import ledger_settings

    s = ledger_settings()
    try:
        keys.active_signers(s.resolved_key_dir(), s.resolved_origin())
        signer = keys.add_key(s.resolved_key_dir(), name or s.resolved_origin())
    except XinyongError as exc:
        _fail(exc)
    console.print(
        "新密钥已添加，下一检查点起与旧密钥同时签名 / new key added; it co-signs from now"
    )
    typer.echo(signer.verifier.vkey)


@app.command("key-retire")
def key_retire(key_hash: Annotated[str, typer.Argument(help="密钥哈希（8 位十六进制）/ key hash")]):
    """结束轮换：停用旧密钥，旧检查点仍可用旧公钥验证 / end a rotation: retire a key."""
    from xinyong.db import session_scope
    from xinyong.ledger import keys, service
    from xinyong.ledger.config import ledger_settings

    s = ledger_settings()
    try:
        signer = keys.retire_key(s.resolved_key_dir(), key_hash)
        with session_scope() as session:
            service.retire_recorded_key(session, key_hash)
            service.checkpoint(session)
    except XinyongError as exc:
        _fail(exc)
    console.print(f"已停用 / retired: {signer.verifier.vkey}")


@app.command()
def append(
    file: Annotated[Path | None, typer.Argument(help="证据文件（可选）/ evidence file")] = None,
    kind: Annotated[str, typer.Option(help="条目类型 / entry kind")] = "evidence",
    meta: Annotated[str, typer.Option(help="元数据 JSON 对象 / metadata JSON object")] = "{}",
) -> None:
    """追加一条账本记录 / append an entry (and its file) to the ledger."""
    from xinyong.db import session_scope
    from xinyong.ledger import service

    try:
        try:
            payload = json.loads(meta)
        except json.JSONDecodeError as exc:
            raise XinyongError(
                f"--meta 不是有效的 JSON：{exc}", f"--meta is not valid JSON: {exc}"
            ) from None
        if file is not None and not file.is_file():
            raise XinyongError(f"找不到文件 {file}", f"file {file} not found")
        with session_scope() as session:
            receipt = service.append(session, kind, payload, file)
    except XinyongError as exc:
        _fail(exc)
    console.print(f"已记入账本 / appended: leaf #{receipt.index}")
    console.print(f"  leaf_hash: {receipt.leaf_hash_b64}")
    if receipt.file_sha256:
        console.print(f"  file SHA-256: {receipt.file_sha256}")


@app.command()
def export(
    leaf_index: int,
    output: Annotated[Path, typer.Option("-o", "--output", help="输出 zip / output zip")],
    no_file: Annotated[
        bool, typer.Option("--no-file", help="不附带证据文件 / leave the file out")
    ] = False,
) -> None:
    """导出证据包 / export the evidence bundle of a leaf."""
    from xinyong.db import session_scope
    from xinyong.ledger import service

    try:
        with session_scope() as session:
            output.write_bytes(service.export_bundle(session, leaf_index, include_file=not no_file))
    except XinyongError as exc:
        _fail(exc)
    console.print(f"证据包已导出 / bundle written: {output}")


@app.command()
def audit(
    skip_files: Annotated[bool, typer.Option("--skip-files", help="不重算文件哈希")] = False,
) -> None:
    """全量复核账本：叶子、子树、检查点、证据文件 / re-check the whole stored ledger."""
    from xinyong.db import session_scope
    from xinyong.ledger.audit import audit as audit_ledger

    with session_scope() as session:
        report = audit_ledger(session, check_files=not skip_files)
    console.print(
        f"叶子 leaves {report.leaves}，文件 files {report.files}，检查点 checkpoints {report.checkpoints}"
    )
    for zh, en in report.problems:
        err.print(f"[red]✘[/red] {zh}\n  {en}")
    if not report.ok:
        raise typer.Exit(1)
    console.print("[green]✔ 账本完整 / ledger intact[/green]")
