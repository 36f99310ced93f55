<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="da_DK">
<context>
    <name>DataSourcePage</name>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="228"/>
        <source>None</source>
        <translation>Ingen</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="229"/>
        <source>Folder</source>
        <translation>Mappe</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="230"/>
        <source>SQL database</source>
        <translation>SQL-database</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="236"/>
        <source>The folder the CRM&apos;s export is written to</source>
        <translation>Mappen, som CRM-systemets eksport skrives til</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="237"/>
        <source>&amp;Browse…</source>
        <translation>G&amp;ennemse…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="252"/>
        <location filename="../../kpidesk/gui/datasource_page.py" line="461"/>
        <source>none</source>
        <translation>ingen</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="258"/>
        <source>none (e.g. done)</source>
        <translation>ingen (f.eks. done)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="263"/>
        <location filename="../../kpidesk/gui/datasource_page.py" line="268"/>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="272"/>
        <source>&amp;Kind:</source>
        <translation>T&amp;ype:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="273"/>
        <source>F&amp;older:</source>
        <translation>&amp;Mappe:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="274"/>
        <source>Database U&amp;RL:</source>
        <translation>Database-&amp;URL:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="275"/>
        <source>Pass&amp;word:</source>
        <translation>Adgangskod&amp;e:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="276"/>
        <source>&amp;Mapping:</source>
        <translation>Map&amp;ning:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="277"/>
        <source>Marker &amp;file:</source>
        <translation>Markør&amp;fil:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="278"/>
        <source>S&amp;ettle time:</source>
        <translation>&amp;Ventetid:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="279"/>
        <source>&amp;Query time-out:</source>
        <translation>Tidsgrænse for forespørgs&amp;ler:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="306"/>
        <source>&amp;Save</source>
        <translation>&amp;Gem</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="309"/>
        <source>Undo chan&amp;ges</source>
        <translation>Fortryd &amp;ændringer</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="312"/>
        <source>&amp;Import now</source>
        <translation>&amp;Importér nu</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="326"/>
        <source>Data source for the nightly run</source>
        <translation>Datakilde for den natlige beregning</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="355"/>
        <source>Recent imports</source>
        <translation>Seneste importer</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="356"/>
        <source>&amp;Latest imports</source>
        <translation>Seneste imp&amp;orter</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="399"/>
        <source>Loading…</source>
        <translation>Indlæser…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="440"/>
        <source>Could not read the data source: %1</source>
        <translation>Datakilden kunne ikke læses: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="448"/>
        <source>No imports yet.</source>
        <translation>Ingen importer endnu.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kpidesk/gui/datasource_page.py" line="452"/>
        <source>%n import(s)</source>
        <translation>
                <numerusform>%n import</numerusform>
                <numerusform>%n importer</numerusform>
            </translation>
    </message>
    <message numerus="yes">
        <location filename="../../kpidesk/gui/datasource_page.py" line="453"/>
        <source>, %n failed</source>
        <translation>
                <numerusform>, %n fejlet</numerusform>
                <numerusform>, %n fejlet</numerusform>
            </translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="459"/>
        <source>stored (not shown); type a new one to replace it</source>
        <translation>gemt (vises ikke); skriv en ny for at erstatte den</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="460"/>
        <source>from the environment (KPIDESK_SOURCE_PASSWORD)</source>
        <translation>fra miljøet (KPIDESK_SOURCE_PASSWORD)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="470"/>
        <source>kpidesk&apos;s own five files</source>
        <translation>kpidesks egne fem filer</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="471"/>
        <source>Preset: %1</source>
        <translation>Forudindstilling: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="476"/>
        <source>File…</source>
        <translation>Fil…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="501"/>
        <source>No data source: the nightly run calculates on the CRM data imported by hand.</source>
        <translation>Ingen datakilde: den natlige beregning bruger de CRM-data, der er importeret i hånden.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="504"/>
        <source>Every night the newest complete export is imported first: CSV files written since the last import, none changing during the settle time, and the marker file there if one is named (the CRM writes it last).</source>
        <translation>Hver nat importeres den nyeste komplette eksport først: CSV-filer skrevet siden sidste import, ingen der ændrer sig i ventetiden, og markørfilen, hvis en er angivet (CRM-systemet skriver den til sidst).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="509"/>
        <source>Every night the CRM&apos;s database is read first (read-only, one SELECT per kind of record from the mapping). The password is never shown again once saved.</source>
        <translation>Hver nat læses CRM-systemets database først (skrivebeskyttet, én SELECT pr. slags post fra mapningen). Adgangskoden vises aldrig igen, når den er gemt.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="525"/>
        <source>Choose a mapping file</source>
        <translation>Vælg en mapningsfil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="525"/>
        <source>Mapping files (*.toml)</source>
        <translation>Mapningsfiler (*.toml)</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="541"/>
        <source>Choose the export folder</source>
        <translation>Vælg eksportmappen</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="565"/>
        <source>Folder: required (where the CRM writes its export).</source>
        <translation>Mappe: skal udfyldes (hvor CRM-systemet skriver sin eksport).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="568"/>
        <source>Marker file: a file name in the folder, not a path (e.g. done).</source>
        <translation>Markørfil: et filnavn i mappen, ikke en sti (f.eks. done).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="571"/>
        <source>Database URL: required.</source>
        <translation>Database-URL: skal udfyldes.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="574"/>
        <source>Mapping: required (a preset or a mapping file with a query per table).</source>
        <translation>Mapning: skal udfyldes (en forudindstilling eller en mapningsfil med en forespørgsel pr. tabel).</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="591"/>
        <source>Saving…</source>
        <translation>Gemmer…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="596"/>
        <source>Saved.</source>
        <translation>Gemt.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="605"/>
        <source>Not saved:</source>
        <translation>Ikke gemt:</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="619"/>
        <source>Importing from the data source…</source>
        <translation>Importerer fra datakilden…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="621"/>
        <source>Waiting for a complete export…</source>
        <translation>Venter på en komplet eksport…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="639"/>
        <source>Checking…</source>
        <translation>Kontrollerer…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="639"/>
        <source>Writing…</source>
        <translation>Skriver…</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="647"/>
        <source>Imported: %1</source>
        <translation>Importeret: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="649"/>
        <source>Nothing new to import: %1</source>
        <translation>Intet nyt at importere: %1</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="651"/>
        <source>No data source is set up: choose a kind and save first.</source>
        <translation>Der er ingen datakilde: vælg en type og gem først.</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="654"/>
        <location filename="../../kpidesk/gui/datasource_page.py" line="661"/>
        <source>The import failed; nothing was changed:</source>
        <translation>Importen fejlede; intet blev ændret:</translation>
    </message>
    <message numerus="yes">
        <location filename="../../kpidesk/gui/datasource_page.py" line="680"/>
        <source>… and %n more</source>
        <translation>
                <numerusform>… og %n mere</numerusform>
                <numerusform>… og %n mere</numerusform>
            </translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="695"/>
        <source>Save the changes first</source>
        <translation>Gem ændringerne først</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="696"/>
        <source>No data source is set up</source>
        <translation>Der er ingen datakilde</translation>
    </message>
</context>
<context>
    <name>ImportsModel</name>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="143"/>
        <source>Time</source>
        <translation>Tidspunkt</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="143"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="143"/>
        <source>Rows per file</source>
        <translation>Rækker pr. fil</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="143"/>
        <source>Error</source>
        <translation>Fejl</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="146"/>
        <source>Imported</source>
        <translation>Importeret</translation>
    </message>
    <message>
        <location filename="../../kpidesk/gui/datasource_page.py" line="146"/>
        <source>Failed</source>
        <translation>Fejlet</translation>
    </message>
</context>
</TS>
