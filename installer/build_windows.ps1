# 联络站工作台 — Windows build: one-folder bundle, NSIS installer, portable zip.
#
# Run on a 64-bit Windows 10/11 build machine, in PowerShell, from the repository root:
#
#   1. Install Python 3.11 (x64) from python.org, "Add python.exe to PATH" ticked.
#   2. Install NSIS 3.x (https://nsis.sourceforge.io), default folder.
#   3. powershell -ExecutionPolicy Bypass -File installer\build_windows.ps1
#
# Optional: -Sign with a code-signing certificate (signtool from the Windows SDK on PATH):
#   powershell -ExecutionPolicy Bypass -File installer\build_windows.ps1 -Sign -CertThumbprint ABC123...
#
# Output in out\ : station-app-VERSION-setup.exe (installer) and
#                  station-app-VERSION-portable.zip (runs from a USB stick, data beside the program).
param(
    [switch]$Sign,
    [string]$CertThumbprint = "",
    [string]$TimestampUrl = "http://timestamp.digicert.com",
    [string]$Makensis = "${env:ProgramFiles(x86)}\NSIS\makensis.exe"
)
$ErrorActionPreference = "Stop"
$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root
$Work = Join-Path $env:TEMP "station-app-build"   # build outputs stay out of the repository

# 1) a clean virtual environment with the app and PyInstaller
python -m venv "$Work\venv"
& "$Work\venv\Scripts\python.exe" -m pip install --upgrade pip
& "$Work\venv\Scripts\python.exe" -m pip install . pyinstaller
$Version = (& "$Work\venv\Scripts\python.exe" -c "import station_app; print(station_app.__version__)").Trim()
Write-Host "联络站工作台 $Version"

# 2) the one-folder bundle: %TEMP%\station-app-build\dist\station-app\ (station-app.exe, station-app-cli.exe, _internal\)
& "$Work\venv\Scripts\python.exe" -m PyInstaller --noconfirm --clean --distpath "$Work\dist" --workpath "$Work\work" installer\station_app.spec
$Bundle = "$Work\dist\station-app"

# 3) the frozen program checks itself before anything ships
& "$Bundle\station-app-cli.exe" --self-test
if ($LASTEXITCODE -ne 0) { throw "self-test failed: $LASTEXITCODE" }

# 4) sign the executables (before they go into the installer)
function Sign-File($Path) {
    signtool sign /sha1 $CertThumbprint /fd SHA256 /tr $TimestampUrl /td SHA256 $Path
    if ($LASTEXITCODE -ne 0) { throw "signtool failed on $Path" }
}
if ($Sign) { Sign-File "$Bundle\station-app.exe"; Sign-File "$Bundle\station-app-cli.exe" }

# 5) the installer
New-Item -ItemType Directory -Force out | Out-Null
$Setup = "out\station-app-$Version-setup.exe"
& $Makensis /V2 "/DVERSION=$Version" "/DPAYLOAD=$Bundle" "/DOUTFILE=$Root\$Setup" installer\station_app.nsi
if ($LASTEXITCODE -ne 0) { throw "makensis failed: $LASTEXITCODE" }
if ($Sign) { Sign-File $Setup }

# 6) the portable zip: the same bundle plus the marker portable.txt beside the executable, so the
#    data lives in data\ next to the program (station_app/paths.py)
$Portable = "$Work\portable\station-app-$Version"
if (Test-Path "$Work\portable") { Remove-Item -Recurse -Force "$Work\portable" }
New-Item -ItemType Directory -Force $Portable | Out-Null
Copy-Item -Recurse "$Bundle\*" $Portable
Copy-Item installer\portable.txt "$Portable\portable.txt"
$Zip = "out\station-app-$Version-portable.zip"
if (Test-Path $Zip) { Remove-Item $Zip }
Compress-Archive -Path $Portable -DestinationPath $Zip

Get-FileHash -Algorithm SHA256 $Setup, $Zip | Format-Table -AutoSize | Out-String | Write-Host
Write-Host "Done: $Setup, $Zip"
