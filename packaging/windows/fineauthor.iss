; Inno Setup 6 recipe for FineAuthor's Windows installer.
;
; First build the one-folder app on Windows (python packaging\build.py, which leaves it in
; dist\FineAuthor), then compile this file from the repository's top folder:
;
;     iscc /DAppVersion=0.1.0 packaging\windows\fineauthor.iss
;
; The installer lands in dist\installer. It installs for the current user without asking for
; administrator rights (or for everyone, if the writer chooses), adds a Start menu entry,
; and makes .fineauthor files open in FineAuthor with its icon.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "FineAuthor"
#define AppExe "FineAuthor.exe"
#define ProgId "io.github.fineauthor.FineAuthor.project"

[Setup]
; One reverse-DNS id everywhere; Inno Setup uses it to recognise upgrades and uninstalls.
AppId=io.github.fineauthor.FineAuthor
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The FineAuthor authors
AppPublisherURL=https://github.com/fineauthor/fineauthor
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ChangesAssociations=yes
SourceDir=..\..
OutputDir=dist\installer
OutputBaseFilename=FineAuthor-{#AppVersion}-setup
SetupIconFile=packaging\icons\fineauthor.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "dist\FineAuthor\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; The .fineauthor file type: double-clicking a project opens it in FineAuthor.
; HKA is HKCU for a per-user install and HKLM for an all-users one.
Root: HKA; Subkey: "Software\Classes\.fineauthor"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.fineauthor"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-fineauthor-project"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.fineauthor\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "FineAuthor project"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".fineauthor"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
