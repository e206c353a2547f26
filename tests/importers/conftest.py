"""A throwaway project (the repo's taxonomy, an empty papers/) and small source files with every quirk."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from rl4lrm.cli import main

REPO = Path(__file__).resolve().parents[2]

BADGE = "https://img.shields.io/badge/paper-A42C25?style=for-the-badge"
STARS = "https://img.shields.io/github/stars/x/y?style=for-the-badge"

HEADER = "| Date | Name | Title | Paper | Github |\n|:-:|:-:|:-|:-:|:-:|"


def paper(url: str, badge: str = "Paper") -> str:
    return f"[![{badge}]({BADGE})]({url})"


def code(url: str) -> str:
    return f"[![GitHub Stars]({STARS})]({url})"


R1 = "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning"
R1_CODE = code("https://github.com/deepseek-ai/DeepSeek-R1")
ROWS = {
    "frontier": [
        f"| 2025-01 | `DeepSeek-R1` | {R1} | {paper('https://arxiv.org/abs/2501.12948v2')} | {R1_CODE} |",
        "| - | `QwQ` | QwQ-32B: Embracing the Power of Reinforcement Learning | "
        f"{paper('https://qwenlm.github.io/blog/qwq-32b/', 'Blog')} | - |",
    ],
    "generative": [
        f"| 2025-01 | `DeepSeek-R1` | {R1} | {paper('https://arxiv.org/abs/2501.12948')} | {R1_CODE} |",
        "| - | `GRPO` | DeepSeekMath: Pushing the Limits of Mathematical Reasoning in Open Language Models | "
        f"{paper('https://arxiv.org/pdf/2402.03300')} | - |",
        # no space before the '|' after the name
        "| 2025-05 | `ToyBench`| ToyBench: A Benchmark for Toy Reasoning | "
        f"{paper('https://arxiv.org/abs/2505.00001')} | - |",
    ],
    "math": [
        "| - | `DeepScaleR` | DeepScaleR: Surpassing O1-Preview with a 1.5B Model by Scaling RL | - | "
        f"{paper('https://example.notion.site/deepscaler', 'Blog')} |",
        "| - | `Nameless` | A Work Without Any Date | - | - |",
    ],
    "unmapped": [
        f"| 2024-06 | `Lost` | A Work In A Section Nobody Mapped | {paper('https://arxiv.org/abs/2406.00002')} | - |",
        f"| 2024-07 | `Survey` | A Survey of RL for Toys | {paper('https://arxiv.org/abs/2407.00003')} | - |",
    ],
}


def _table(rows: list[str]) -> str:
    return HEADER + "\n" + "\n".join(rows) + "\n"


README = f"""# An awesome list

Some text with a [link](https://example.org) and no table.

## Paper List

### Frontier Models

{_table(ROWS["frontier"])}
### Reward Design
#### Generative Rewards

{_table(ROWS["generative"])}
### Training Resource
#### Static Corpus (Math)

{_table(ROWS["math"])}
### Unmapped Section

{_table(ROWS["unmapped"])}"""

BIB = r"""# Related Works
@article{guo2025deepseek,
  title   = {Deepseek-r1: Incentivizing reasoning capability in llms via reinforcement learning},
  author  = {Guo, Daya and Yang, Dejian and Zhang, Haowei and others},
  journal = {arXiv preprint arXiv:2501.12948},
  year    = {2025}
}

# RL Methodology
## Reward Design - Verifiable Rewards
@inproceedings{ahmadian2024back,
  title     = {Back to Basics: Revisiting {REINFORCE} Style Optimization for Learning from Human Feedback in {LLMs}},
  author    = {Ahmadian, Arash and Gall{\'e}, Matthias and {\"U}st{\"u}n, Ahmet and Hooker, Sara},
  booktitle = {Proceedings of the 62nd Annual Meeting of the ACL},
  eprint    = {2402.14740},
  archivePrefix = {arXiv},
  year      = {2024}
}

@misc{toy2023blog,
  title        = {Scaling Toys \& Games: A Blog Post},
  author       = {{Toy Team}},
  howpublished = {\url{https://toy.example.org/blog/scaling}},
  year         = {2023}
}

# xxx
@article{nohint2022,
  title   = {An Entry In A Group Without A Hint},
  author  = {Doe, Jane},
  journal = {Journal of Toys},
  year    = {2022}
}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(REPO / "taxonomy", root / "taxonomy")
    (root / "papers").mkdir()
    monkeypatch.setenv("RL4LRM_ROOT", str(root))
    monkeypatch.chdir(tmp_path)
    return root


@pytest.fixture
def sources(tmp_path: Path) -> dict[str, Path]:
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    return {"readme": readme, "bib": bib}


@pytest.fixture
def cli(capsys: pytest.CaptureFixture):
    """Run `rl4lrm ARGS...` in-process; returns (exit code, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
