"""The command-line figures of the docs (docs/images): each made by the command shown beside it.

Run: python examples/gallery/cli_figures.py [OUTPUT_DIR]   (default docs/images)
"""

import subprocess
import sys
from pathlib import Path

VALVE = "examples/co_cu_py.toml"
# figure name -> the spintorque arguments that draw it (the output path is appended)
FIGURES = {
    "efficiency.png": ["efficiency", VALVE, "--rotate", "F2", "--angles", "0:180:181", "--plot"],
    "profiles.png": ["profile", VALVE, "--plot"],
    "hodograph.png": ["hodograph", VALVE, "-o"],
    "magnetoresistance.png": ["magnetoresistance", VALVE, "--rotate", "F2", "--angles", "0:180:181",
                              "--plot"],
    "signmap_p2.png": ["signmap", VALVE, "--vary", "F2.spin_asymmetry=0.05:0.95:60", "--angles",
                       "0:90:91", "-o"],
    "wer.png": ["write-error-rate", "--sigma", "40", "--current-ratio", "1.2,1.5,2", "--pulse",
                "0:1:41", "--rtol", "1e-4", "--plot"],
}

if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images")
    out.mkdir(parents=True, exist_ok=True)
    for name, args in FIGURES.items():
        cmd = [sys.executable, "-m", "spintorque", *args, str(out / name)]
        print("spintorque", " ".join(args), out / name)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
