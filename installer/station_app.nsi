; 联络站工作台 — Windows installer (NSIS 3, Unicode).
;
; Built by installer/build_windows.ps1 after PyInstaller made the one-folder bundle:
;   makensis /DVERSION=0.1.0 /DPAYLOAD=dist\station-app /DOUTFILE=out\station-app-0.1.0-setup.exe installer\station_app.nsi
; CI compiles it on Linux against a placeholder payload (tests/installer/test_nsis.py) so it cannot rot.
;
; Per-machine install into Program Files; Start-menu and desktop shortcuts; the uninstaller removes
; the program only: the clerk's data (database, backups, attachments, logs) stays in
; %LOCALAPPDATA%\station_app (platformdirs' user data dir) and the uninstaller says so.
; Installing over an older version keeps that data; the new program migrates the database on its
; first start, after an automatic backup into %LOCALAPPDATA%\station_app\backups.

Unicode true
ManifestDPIAware true
RequestExecutionLevel admin
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "makensis /DVERSION=x.y.z is required"
!endif
!ifndef PAYLOAD
  !error "makensis /DPAYLOAD=path\to\dist\station-app is required"
!endif
!ifndef OUTFILE
  !define OUTFILE "station-app-${VERSION}-setup.exe"
!endif

!define APPNAME "联络站工作台"
!define APPKEY "station_app"
!define PUBLISHER "县人大常委会"
!define EXE "station-app.exe"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPKEY}"
!define DATADIR "%LOCALAPPDATA%\station_app（通常是 C:\Users\用户名\AppData\Local\station_app）"

Name "${APPNAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APPKEY}"
InstallDirRegKey HKLM "Software\${APPKEY}" "InstallDir"
BrandingText "${APPNAME} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=2052 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APPNAME} 安装程序"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "${PUBLISHER}"

!include "MUI2.nsh"
!include "x64.nsh"

!define MUI_ICON "${PAYLOAD}\_internal\resources\icons\station_app.ico"
!define MUI_UNICON "${PAYLOAD}\_internal\resources\icons\station_app.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "立即运行${APPNAME}"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "将从本机卸载${APPNAME}程序。您的数据（数据库、备份、照片、日志）不会删除，保留在：$\r$\n${DATADIR}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_LICENSE "${PAYLOAD}\_internal\licenses\THIRD-PARTY-NOTICES.txt"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

Function .onInit
  SetShellVarContext all
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "${APPNAME}需要 64 位 Windows（Windows 10 或更新版本）。"
    Abort
  ${EndIf}
  SetRegView 64
FunctionEnd

Function un.onInit
  SetShellVarContext all
  SetRegView 64
FunctionEnd

Section "${APPNAME}" SecMain
  SectionIn RO
  ; an older version's program files go first (its data never lives here)
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${PAYLOAD}\*.*"

  WriteRegStr HKLM "Software\${APPKEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "Software\${APPKEY}" "Version" "${VERSION}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKLM "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTKEY}" "NoRepair" 1
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APPNAME}"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk" "$INSTDIR\${EXE}"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\卸载${APPNAME}.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\${EXE}"
SectionEnd

Section "Uninstall"
  Delete "$DESKTOP\${APPNAME}.lnk"
  RMDir /r "$SMPROGRAMS\${APPNAME}"
  ; the program only: never the data dir, and never a portable copy's data\ folder
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\station-app.exe"
  Delete "$INSTDIR\station-app-cli.exe"
  Delete "$INSTDIR\VERSION.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTKEY}"
  DeleteRegKey HKLM "Software\${APPKEY}"
  MessageBox MB_ICONINFORMATION "${APPNAME}已卸载。$\r$\n$\r$\n您的数据没有删除，仍保存在：$\r$\n${DATADIR}$\r$\n（数据库 station.db、backups 备份、attachments 照片、logs 日志）。$\r$\n重新安装后会自动使用这些数据；确实不再需要时，可手工删除该文件夹。" /SD IDOK
SectionEnd
