"""The baseline of bench/load_bench.py: the same server stack (FastAPI on uvicorn, same workers and
options) answering a constant JSON search page — the ceiling of the HTTP layer on this machine."""

from fastapi import FastAPI

PAGE = {
    "query": "连云港",
    "total": 1,
    "total_capped": False,
    "page": 1,
    "size": 20,
    "items": [
        {
            "credit_code": "91320700MA1MXXXX0X",
            "name": "连云港市海州区示例贸易有限公司",
            "status": "存续",
            "division": "320706",
            "industry": "批发和零售业",
            "legal_rep": "张*明",
            "matched_field": "name",
            "match": "substring",
            "matched_text": "<mark>连云港</mark>市海州区示例贸易有限公司",
            "score": 0.9,
            "highlight": "<mark>连云港</mark>市海州区示例贸易有限公司",
        }
    ],
}

app = FastAPI()


@app.get("/api/v1/enterprises")
def constant(q: str = "") -> dict:
    return PAGE


@app.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}
