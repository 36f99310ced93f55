; kpidesk installer for Windows (NSIS 3). Build it with build-installer.py, which writes the
; file lists (files.nsh) from the bundle and passes VERSION, VIVERSION, FILELIST, OUTFILE
; and ICON:
;
;   python packaging\windows\build-installer.py        -> dist\kpidesk-<version>-setup.exe
;
; Per-machine install to Program Files (administrator), Start menu shortcut for the desktop
; app (kpidesk-app.exe), the console kpidesk.exe for commands, an uninstaller in "Apps".
; Silent:   kpidesk-<version>-setup.exe /S [/SCHEDULER] [/D=C:\Path\kpidesk]   (/D last)
;           "C:\Program Files\kpidesk\uninstall.exe" /S
; /SCHEDULER (or the "Nightly scheduler" component) registers the scheduled task "kpidesk
; scheduler": `kpidesk.exe scheduler --env-file %ProgramData%\kpidesk\kpidesk.env` at
; start-up as NETWORK SERVICE. Data is never in the program folder: users' databases and
; settings (%LOCALAPPDATA%\kpidesk) and the env file survive upgrades and uninstalling.

Unicode true
!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "x64.nsh"
!include "Sections.nsh"
!include "${FILELIST}"

!define APP "kpidesk"
!define PUBLISHER "kpidesk"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\kpidesk"
!define APPPATHS_KEY "Software\Microsoft\Windows\CurrentVersion\App Paths\kpidesk.exe"
!define TASK "kpidesk scheduler"
!define ENV_DIR "$APPDATA\kpidesk"
!define ENV_FILE "$APPDATA\kpidesk\kpidesk.env"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP}"
RequestExecutionLevel admin
SetCompressor /SOLID lzma
ShowInstDetails show
ShowUninstDetails show
BrandingText "${APP} ${VERSION}"

VIProductVersion "${VIVERSION}"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP} installer"
VIAddVersionKey "CompanyName" "${PUBLISHER}"
VIAddVersionKey "LegalCopyright" "${PUBLISHER}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Danish"

Var PreviousDir
Var TaskExisted

Section "kpidesk (required)" SecProgram
  SectionIn RO
  SetShellVarContext all
  ; An upgrade: stop the scheduler task, then let the previous uninstaller remove the old
  ; program files (only those it installed) and keep the task, the env file and all data.
  StrCpy $TaskExisted "0"
  nsExec::ExecToLog 'schtasks /Query /TN "${TASK}"'
  Pop $0
  ${If} $0 == 0
    StrCpy $TaskExisted "1"
    nsExec::ExecToLog 'schtasks /End /TN "${TASK}"'
    Pop $0
  ${EndIf}
  ${If} $PreviousDir != ""
  ${AndIf} ${FileExists} "$PreviousDir\uninstall.exe"
    DetailPrint "Removing the previous version's program files from $PreviousDir"
    ExecWait '"$PreviousDir\uninstall.exe" /S /UPGRADE _?=$PreviousDir' $0
    Delete "$PreviousDir\uninstall.exe"
    RMDir "$PreviousDir"
  ${EndIf}

  !insertmacro KPIDESK_INSTALL_FILES
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; "Apps & features" entry, and `kpidesk` in Run (Win+R) through App Paths.
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\kpidesk-app.exe"
  WriteRegStr HKLM "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKLM "${UNINST_KEY}" "EstimatedSize" $0
  WriteRegStr HKLM "${APPPATHS_KEY}" "" "$INSTDIR\kpidesk.exe"
  WriteRegStr HKLM "${APPPATHS_KEY}" "Path" "$INSTDIR"
SectionEnd

Section "Start menu shortcut" SecShortcut
  SetShellVarContext all
  CreateShortcut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\kpidesk-app.exe" "" \
    "$INSTDIR\kpidesk-app.exe" 0 SW_SHOWNORMAL "" "KPIs from the CRM"
SectionEnd

Section /o "Nightly scheduler (scheduled task, for a shared database)" SecScheduler
  SetShellVarContext all
  ; The database URL lives in an env file only administrators, SYSTEM and the task's account
  ; can read, never on the task's command line. Created once; upgrades keep it.
  CreateDirectory "${ENV_DIR}"
  ${IfNot} ${FileExists} "${ENV_FILE}"
    FileOpen $0 "${ENV_FILE}" w
    FileWrite $0 "# kpidesk: the shared database of the $\"${TASK}$\" task.$\r$\n"
    FileWrite $0 "# KPIDESK_DATABASE_URL=postgresql://kpidesk:PASSWORD@dbhost/kpidesk$\r$\n"
    FileWrite $0 "KPIDESK_DATABASE_URL=$\r$\n"
    FileClose $0
  ${EndIf}
  ; Administrators (S-1-5-32-544) and SYSTEM (S-1-5-18) full, NETWORK SERVICE (S-1-5-20) read.
  nsExec::ExecToLog 'icacls "${ENV_FILE}" /inheritance:r /grant:r *S-1-5-32-544:F *S-1-5-18:F *S-1-5-20:R'
  Pop $0
  ; A task definition rather than `schtasks /SC ONSTART`: no 72-hour run limit, restarts
  ; after a failure, runs on battery. UTF-16 with BOM, as schtasks expects.
  FileOpen $0 "$PLUGINSDIR\kpidesk-task.xml" w
  FileWriteWord $0 0xFEFF
  FileWriteUTF16LE $0 '<?xml version="1.0" encoding="UTF-16"?>$\r$\n'
  FileWriteUTF16LE $0 '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">$\r$\n'
  FileWriteUTF16LE $0 '<RegistrationInfo><Description>kpidesk nightly KPI calculation</Description></RegistrationInfo>$\r$\n'
  FileWriteUTF16LE $0 '<Triggers><BootTrigger><Enabled>true</Enabled></BootTrigger></Triggers>$\r$\n'
  FileWriteUTF16LE $0 '<Principals><Principal id="Author"><UserId>S-1-5-20</UserId><RunLevel>LeastPrivilege</RunLevel></Principal></Principals>$\r$\n'
  FileWriteUTF16LE $0 '<Settings><MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy><DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries><StopIfGoingOnBatteries>false</StopIfGoingOnBatteries><ExecutionTimeLimit>PT0S</ExecutionTimeLimit><RestartOnFailure><Interval>PT5M</Interval><Count>999</Count></RestartOnFailure><StartWhenAvailable>true</StartWhenAvailable></Settings>$\r$\n'
  FileWriteUTF16LE $0 '<Actions Context="Author"><Exec><Command>"$INSTDIR\kpidesk.exe"</Command><Arguments>scheduler --env-file "${ENV_FILE}"</Arguments><WorkingDirectory>$INSTDIR</WorkingDirectory></Exec></Actions>$\r$\n'
  FileWriteUTF16LE $0 '</Task>$\r$\n'
  FileClose $0
  nsExec::ExecToLog 'schtasks /Create /F /TN "${TASK}" /XML "$PLUGINSDIR\kpidesk-task.xml"'
  Pop $0
  ${If} $0 != 0
    DetailPrint "Could not register the scheduled task $\"${TASK}$\" (schtasks exit code $0)."
    SetErrorLevel 3
  ${Else}
    DetailPrint "Registered the scheduled task $\"${TASK}$\"; set the database in ${ENV_FILE}."
    StrCpy $TaskExisted "1"
  ${EndIf}
SectionEnd

Section "-Restart scheduler"
  ; A task that was registered before (or now) starts again on the new program files.
  ${If} $TaskExisted == "1"
    nsExec::ExecToLog 'schtasks /Run /TN "${TASK}"'
    Pop $0
  ${EndIf}
SectionEnd

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP|MB_OK "kpidesk needs 64-bit Windows." /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  InitPluginsDir
  ; An earlier installation: upgrade it in place (unless /D= names another folder).
  ReadRegStr $PreviousDir HKLM "${UNINST_KEY}" "InstallLocation"
  ${If} $PreviousDir != ""
  ${AndIf} $INSTDIR == "$PROGRAMFILES64\${APP}"
    StrCpy $INSTDIR $PreviousDir
  ${EndIf}
  ; /SCHEDULER on the command line selects the scheduler component (for silent installs).
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/SCHEDULER" $1
  ${IfNot} ${Errors}
    !insertmacro SelectSection ${SecScheduler}
  ${EndIf}
FunctionEnd

Var Upgrading

Section "Uninstall"
  SetShellVarContext all
  SetRegView 64
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/UPGRADE" $1
  ${If} ${Errors}
    StrCpy $Upgrading "0"
  ${Else}
    StrCpy $Upgrading "1"
  ${EndIf}
  ${If} $Upgrading == "0"
    ; Removing kpidesk: the task would start a program that is gone.
    nsExec::ExecToLog 'schtasks /End /TN "${TASK}"'
    Pop $0
    nsExec::ExecToLog 'schtasks /Delete /F /TN "${TASK}"'
    Pop $0
    Delete "$SMPROGRAMS\${APP}.lnk"
    DeleteRegKey HKLM "${UNINST_KEY}"
    DeleteRegKey HKLM "${APPPATHS_KEY}"
  ${EndIf}
  !insertmacro KPIDESK_UNINSTALL_FILES
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DetailPrint "Kept: ${ENV_FILE}, and each user's databases and settings in %LOCALAPPDATA%\kpidesk."
SectionEnd

Function un.onInit
  SetRegView 64
FunctionEnd
