"""HTTP client for upstream APIs: bearer token, client-side rate limit, retry with backoff."""

from __future__ import annotations

import time
from typing import Any

import httpx

from xinyong.errors import XinyongError


class UpstreamError(XinyongError):
    code = "upstream_error"
    status = 502
    title_zh = "上游系统错误"
    title_en = "Upstream error"


class UpstreamClient:
    """GETs JSON from one upstream, politely: at most `max_rps` requests a second, and
    retries on 429 (honouring Retry-After), 5xx and network errors with exponential backoff."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        max_rps: float = 10.0,
        retries: int = 5,
        backoff: float = 0.5,
        timeout: float = 30.0,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)
        self.interval = 1.0 / max_rps if max_rps > 0 else 0.0
        self.retries = retries
        self.backoff = backoff
        self._last = 0.0
        self.requests = 0
        self.retried = 0

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> UpstreamClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _throttle(self) -> None:
        wait = self._last + self.interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        url = f"{self.base_url}{path}"
        for attempt in range(self.retries + 1):
            self._throttle()
            self.requests += 1
            try:
                response = self.http.get(path, params=params)
            except httpx.TransportError as exc:
                why_zh, why_en, delay = f"网络错误：{exc}", f"network error: {exc}", None
            else:
                if response.status_code < 400:
                    return response.json()
                if response.status_code in (401, 403):
                    raise UpstreamError(
                        f"上游 {url} 拒绝了凭证（HTTP {response.status_code}），请检查令牌",
                        f"upstream {url} refused the credentials (HTTP {response.status_code}); check the token",
                        url=url,
                    )
                if response.status_code != 429 and response.status_code < 500:
                    raise UpstreamError(
                        f"上游 {url} 返回 HTTP {response.status_code}：{response.text[:200]}",
                        f"upstream {url} answered HTTP {response.status_code}: {response.text[:200]}",
                        url=url,
                    )
                why_zh = why_en = f"HTTP {response.status_code}"
                retry_after = response.headers.get("Retry-After")
                delay = (
                    float(retry_after)
                    if retry_after and retry_after.replace(".", "").isdigit()
                    else None
                )
            if attempt == self.retries:
                raise UpstreamError(
                    f"上游 {url} 在重试 {self.retries} 次后仍失败（{why_zh}）",
                    f"upstream {url} still failing after {self.retries} retries ({why_en})",
                    url=url,
                )
            self.retried += 1
            time.sleep(delay if delay is not None else self.backoff * 2**attempt)
        raise AssertionError("unreachable")
