import os
import subprocess
import sys
import tempfile
import unittest

from support import PACKAGE


class InstallTest(unittest.TestCase):
    def test_pipInstall_folder_importsWithNothingButTorch(self):
        """``pip install ./trainscope-torch`` (offline here: no index, the build tools already installed)."""
        with tempfile.TemporaryDirectory() as target:
            r = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
                                "--no-build-isolation", "--target", target, PACKAGE],
                               capture_output=True, text=True, timeout=300)
            self.assertEqual(0, r.returncode, r.stdout + r.stderr)
            check = ("import trainscope_torch, sys; print(trainscope_torch.__file__); "
                     "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorboard', 'tensorboardX', 'numpy')))")
            env = dict(os.environ, PYTHONPATH=target)
            r = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120, env=env,
                               cwd=target)
            self.assertEqual(0, r.returncode, r.stderr)
            path, mods = r.stdout.splitlines()
            self.assertTrue(path.startswith(target), path)
            self.assertNotIn("tensorboard", mods)


if __name__ == "__main__":
    unittest.main()
