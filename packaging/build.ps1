# Builds the one-folder bundle in packaging\dist\wmo-desk on Windows (PowerShell, Python 3.11+).
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
if (-not (Test-Path .venv)) { py -3 -m venv .venv }
.\.venv\Scripts\python -m pip install -q -e ".[packaging]"
.\.venv\Scripts\pyinstaller --noconfirm --clean --distpath packaging\dist --workpath packaging\build packaging\wmo_desk.spec
$env:QT_QPA_PLATFORM = "offscreen"
.\packaging\dist\wmo-desk\wmo-desk.exe --demo --smoke-test
Write-Host "Bundle: packaging\dist\wmo-desk\"
